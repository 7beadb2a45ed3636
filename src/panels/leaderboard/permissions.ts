import { OrgRole } from '@grafana/data';
import { config } from '@grafana/runtime';

/** Whether this user may start and stop races, and if not, why. */
export interface RaceControlAccess {
  allowed: boolean;
  reason?: string;
}

/** The organisation roles that may write race commands (the backend checks the same). */
const WRITERS: string[] = [OrgRole.Admin, OrgRole.Editor];

/**
 * Race control (POST race/start and race/stop) needs the Editor role or
 * higher in the organisation, unless the datasource opens it to Viewers.
 * The backend enforces this (answering 403); the panel only says it ahead.
 */
export function raceControlAccess(
  orgRole: string = config.bootData.user.orgRole,
  viewersAllowed = false
): RaceControlAccess {
  if (WRITERS.includes(orgRole) || viewersAllowed) {
    return { allowed: true };
  }
  const who =
    orgRole === OrgRole.Viewer ? 'you are a Viewer' : orgRole ? `your role is ${orgRole}` : 'you have no role here';
  return {
    allowed: false,
    reason: `Starting and stopping races needs the Editor role; ${who}. An admin can allow Viewers in the Pitwall datasource settings.`,
  };
}
