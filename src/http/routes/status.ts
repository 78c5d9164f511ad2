import type { FastifyInstance } from 'fastify';
import type { DeskUnit } from '../../app/desk-unit.ts';
import type { ProvisioningStatusSource } from '../../app/provisioning/provisioning-status.ts';
import { syncStatusFrom, type SyncStatusSource } from '../../app/sync/sync-status.ts';
import { showCaller, viewerMay } from '../auth/viewer.ts';
import type { CallStatus } from '../../core/status.ts';
import type { DeskSettings } from '../../app/desk/desk-settings.ts';

/** R11, R13: a colleague's name (a transfer's target) only to viewers who may read the directory (never a wallboard). */
function withoutTargets(call: CallStatus): CallStatus {
  return {
    ...call,
    transfer: call.transfer && { ...call.transfer, target: '', detail: null },
    consult: call.consult && { ...call.consult, target: '' },
  };
}

export function statusRoutes(app: FastifyInstance, unit: DeskUnit, unitId: string, sync?: SyncStatusSource, provisioning?: ProvisioningStatusSource, desk?: DeskSettings): void {
  app.get('/api/v1/status', async (request) => {
    const status = unit.status();
    const show = showCaller(request.viewer);
    const colleagues = viewerMay(request.viewer, 'directory.read');
    const shown = status.call && show(status.call);
    const call = shown && (colleagues ? shown : withoutTargets(shown));
    return {
      unitId,
      sip: { up: status.sipUp },
      panel: { kind: unit.panelKind, firmware: unit.panelFirmware, fault: status.panelFault, hook: status.hook, ringer: status.ringer },
      lights: status.lights,
      call,
      waitingCalls: status.waitingCalls,
      // Issue 18: who waits on another line and since when, caller fields masked like the call's.
      waiting: status.waiting.map((w) => showCaller(request.viewer)(w)),
      // R13: bridged calls in progress (target, duration), caller fields masked like the call's.
      bridges: status.bridges.map((b) => ({ ...show(b), target: colleagues ? b.target : '' })),
      lines: status.lines,
      unwrittenRecords: unit.unwrittenCount,
      journal: { fault: status.journalFault, unwrittenRecords: unit.unwrittenCount },
      sync: syncStatusFrom(sync),
      provisioning: provisioning?.current() ?? null,
      // Issue 20 item 5: today's mode and holiday for everyone; who is away only to viewers of the directory (R11).
      desk: desk ? { mode: desk.modeAt(), holidayToday: desk.holidayAt(), away: colleagues ? desk.away() : [] } : { mode: 'open', holidayToday: null, away: [] },
    };
  });
}
