/**
 * `GET /api/v1/session`: who the page is signed in as and what it needs to draw the desk (issue 9): the viewer
 * (local, or the token's name and role), the desk rules in force, which the timers count against (R1, R4, R5;
 * a live config change reaches an open page as a `rules` event), the note
 * categories (R8), the call-back quiet hours (R10), the unit's time zone and panel kind (the hook and HOLD buttons exist only on the simulated
 * panel). Nothing personal. `DELETE /api/v1/session` signs the page out: a paired browser's own token is revoked
 * (its live streams close); a token typed in by hand is only forgotten by the page (`revoked: false`).
 * Config keys read: rules.* (through the unit), records.categories, records.quietHours, records.offWeekdays, timeZone (through the config given).
 */
import type { FastifyInstance } from 'fastify';
import type { DeskUnit } from '../../app/desk-unit.ts';
import type { PairingDesk } from '../../app/pairing/pairing-codes.ts';
import type { Config } from '../../config/schema.ts';
import { viewerMay } from '../auth/viewer.ts';

export function sessionRoutes(app: FastifyInstance, unit: DeskUnit, unitId: string, config: Config | undefined, pairing?: PairingDesk): void {
  app.delete('/api/v1/session', async (request) => {
    const viewer = request.viewer;
    if (viewer.kind !== 'token' || !pairing || !(await pairing.isDevice(viewer.name))) return { revoked: false };
    // Its other tabs are told it was a sign-out, before the revocation would end their streams as "revoked".
    request.endStreams('signedOut');
    const revoked = await pairing.signOut(viewer.name);
    if (revoked) request.log.info({ name: viewer.kind === 'token' ? viewer.name : null }, 'a paired browser signed out: its token is revoked');
    return { revoked };
  });
  app.get('/api/v1/session', async (request) => {
    const viewer = request.viewer;
    return {
      unitId,
      viewer: viewer.kind === 'token' ? { kind: 'token', name: viewer.name, role: viewer.role } : { kind: viewer.kind },
      may: {
        drivePanel: viewerMay(viewer, 'panel.drive'),
        writeRecords: viewerMay(viewer, 'records.write'),
        controlCalls: viewerMay(viewer, 'calls.control'),
        readCalls: viewerMay(viewer, 'calls.read'),
        readReports: viewerMay(viewer, 'reports.read'),
        exportCalls: viewerMay(viewer, 'calls.export'),
        readConfig: viewerMay(viewer, 'config.read'),
        readDirectory: viewerMay(viewer, 'directory.read'),
        // R11: a whole number on request, when the role may and the installer allows it (records.showNumbers).
        showNumber: viewerMay(viewer, 'numbers.show') && (config?.records.showNumbers ?? false),
        // Issue 20 item 5: the receptionist runs the desk (mode, holidays, absences); installer and IT audit and undo.
        runDesk: viewerMay(viewer, 'desk.run'),
        auditDesk: viewerMay(viewer, 'desk.audit'),
        // Issue 20 item 4: call recordings, for it; for reception when the installer allows it.
        playRecordings: viewerMay(viewer, 'calls.read') && !(viewer.kind === 'token' && viewer.role === 'reception' && !(config?.recording.receptionMayPlay ?? false)),
      },
      panelKind: unit.panelKind,
      timeZone: config?.timeZone ?? null,
      categories: config?.records.categories ?? [],
      quietHours: config?.records.quietHours ?? [],
      offWeekdays: config?.records.offWeekdays ?? [],
      // What the core counts with now, not the boot-time config.
      rules: unit.rules,
    };
  });
}
