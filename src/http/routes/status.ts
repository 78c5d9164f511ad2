import type { FastifyInstance } from 'fastify';
import type { DeskUnit } from '../../app/desk-unit.ts';
import type { ProvisioningStatusSource } from '../../app/provisioning/provisioning-status.ts';
import { syncStatusFrom, type SyncStatusSource } from '../../app/sync/sync-status.ts';
import { showCaller } from '../auth/viewer.ts';

export function statusRoutes(app: FastifyInstance, unit: DeskUnit, unitId: string, sync?: SyncStatusSource, provisioning?: ProvisioningStatusSource): void {
  app.get('/api/v1/status', async (request) => {
    const status = unit.status();
    const show = showCaller(request.viewer);
    const call = status.call && show(status.call);
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
      bridges: status.bridges.map(show),
      lines: status.lines,
      unwrittenRecords: unit.unwrittenCount,
      journal: { fault: status.journalFault, unwrittenRecords: unit.unwrittenCount },
      sync: syncStatusFrom(sync),
      provisioning: provisioning?.current() ?? null,
    };
  });
}
