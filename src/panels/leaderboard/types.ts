/** Options of the leaderboard panel. */
export interface LeaderboardOptions {
  /** A driver code to highlight when the dashboard has no `driver` selection. */
  selectedDriver: string;
  showHeader: boolean;
  showControls: boolean;
  /** Animate rows when the order changes. */
  animate: boolean;
  /** Uid of the Pitwall datasource for the race controls; empty uses the panel's datasource. */
  raceDatasource: string;
  defaultCircuit: string;
  defaultLaps: number;
  /** Speed factor; 0 is as fast as possible. */
  defaultSpeed: number;
  /** Comma list of codes to race; empty is the full grid. */
  raceDrivers: string;
}

export const DEFAULT_OPTIONS: LeaderboardOptions = {
  selectedDriver: '',
  showHeader: true,
  showControls: true,
  animate: true,
  raceDatasource: '',
  defaultCircuit: 'monza',
  defaultLaps: 10,
  defaultSpeed: 1,
  raceDrivers: '',
};

/** The datasource plugin whose resources drive the race controls. */
export const DATASOURCE_PLUGIN_ID = 'pitwall-kafka-datasource';

/**
 * The datasource setting (jsonData) that lets Viewers start and stop races;
 * without it the backend requires the Editor role (issue 12).
 */
export const VIEWER_RACE_CONTROL_SETTING = 'viewersControlRace';

/** The dashboard variable that a row click sets. */
export const DRIVER_VARIABLE = 'driver';
