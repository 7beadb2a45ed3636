import { OrgRole } from '@grafana/data';

import { raceControlAccess } from './permissions';

describe('raceControlAccess', () => {
  it('lets Editors and Admins control races', () => {
    expect(raceControlAccess(OrgRole.Editor)).toEqual({ allowed: true });
    expect(raceControlAccess(OrgRole.Admin)).toEqual({ allowed: true });
  });

  it('refuses Viewers and users without a role, and says which role is needed', () => {
    const viewer = raceControlAccess(OrgRole.Viewer);
    expect(viewer.allowed).toBe(false);
    expect(viewer.reason).toMatch(/needs the Editor role; you are a Viewer/);
    const none = raceControlAccess('');
    expect(none.allowed).toBe(false);
    expect(none.reason).toMatch(/you have no role here/);
  });

  it('lets Viewers in when the datasource opens race control to them', () => {
    expect(raceControlAccess(OrgRole.Viewer, true)).toEqual({ allowed: true });
  });
});
