/**
 * Fallbacks for frames that lack a name or a team colour, and the choices of the
 * race controls. The source of truth is pkg/f1 (drivers.go, teams.go, circuits.go);
 * the backend normally sends `name` and `team_colour` itself.
 */

export interface GridDriver {
  code: string;
  name: string;
  team: string;
}

export const GRID_2024: GridDriver[] = [
  { code: 'VER', name: 'Max Verstappen', team: 'Red Bull Racing' },
  { code: 'PER', name: 'Sergio Perez', team: 'Red Bull Racing' },
  { code: 'LEC', name: 'Charles Leclerc', team: 'Ferrari' },
  { code: 'SAI', name: 'Carlos Sainz', team: 'Ferrari' },
  { code: 'HAM', name: 'Lewis Hamilton', team: 'Mercedes' },
  { code: 'RUS', name: 'George Russell', team: 'Mercedes' },
  { code: 'NOR', name: 'Lando Norris', team: 'McLaren' },
  { code: 'PIA', name: 'Oscar Piastri', team: 'McLaren' },
  { code: 'ALO', name: 'Fernando Alonso', team: 'Aston Martin' },
  { code: 'STR', name: 'Lance Stroll', team: 'Aston Martin' },
  { code: 'GAS', name: 'Pierre Gasly', team: 'Alpine' },
  { code: 'OCO', name: 'Esteban Ocon', team: 'Alpine' },
  { code: 'ALB', name: 'Alexander Albon', team: 'Williams' },
  { code: 'SAR', name: 'Logan Sargeant', team: 'Williams' },
  { code: 'TSU', name: 'Yuki Tsunoda', team: 'RB' },
  { code: 'RIC', name: 'Daniel Ricciardo', team: 'RB' },
  { code: 'BOT', name: 'Valtteri Bottas', team: 'Kick Sauber' },
  { code: 'ZHO', name: 'Zhou Guanyu', team: 'Kick Sauber' },
  { code: 'HUL', name: 'Nico Hulkenberg', team: 'Haas F1 Team' },
  { code: 'MAG', name: 'Kevin Magnussen', team: 'Haas F1 Team' },
];

/** Team livery colours (FastF1 TeamColor, 2024), lower-cased team name → hex. */
const TEAM_COLOURS: Record<string, string> = {
  'red bull racing': '#3671C6',
  ferrari: '#E80020',
  mercedes: '#27F4D2',
  mclaren: '#FF8000',
  'aston martin': '#229971',
  alpine: '#0093CC',
  williams: '#64C4FF',
  rb: '#6692FF',
  'kick sauber': '#52E252',
  'haas f1 team': '#B6BABD',
};

/** Normalises a colour given as `3671C6` or `#3671C6`; undefined when it is not a hex colour. */
export function normaliseColour(c: string | undefined): string | undefined {
  if (!c) {
    return undefined;
  }
  const hex = c.trim().replace(/^#/, '');
  return /^[0-9a-fA-F]{6}$|^[0-9a-fA-F]{3}$/.test(hex) ? `#${hex}` : undefined;
}

export function teamColour(team: string | undefined): string | undefined {
  return team ? TEAM_COLOURS[team.trim().toLowerCase()] : undefined;
}

export function gridDriver(code: string): GridDriver | undefined {
  return GRID_2024.find((d) => d.code === code.toUpperCase());
}

export interface CircuitChoice {
  key: string;
  name: string;
  laps: number;
}

/** The circuits `producer` knows (pkg/f1/circuits.go), with their full race distance. */
export const CIRCUITS: CircuitChoice[] = [
  { key: 'bahrain', name: 'Bahrain', laps: 57 },
  { key: 'monaco', name: 'Monaco', laps: 78 },
  { key: 'monza', name: 'Monza', laps: 53 },
  { key: 'silverstone', name: 'Silverstone', laps: 52 },
  { key: 'spa', name: 'Spa-Francorchamps', laps: 44 },
];

export function circuitName(key: string | undefined): string | undefined {
  if (!key) {
    return undefined;
  }
  return CIRCUITS.find((c) => c.key === key.toLowerCase())?.name ?? key;
}
