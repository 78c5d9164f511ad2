/**
 * `GET /healthz`: the one LAN route without a token (load balancers, monitoring). It says whether the unit can
 * take calls and how each part is, and nothing personal (no numbers, names, error texts or addresses):
 * - `sip.up`: registered with the registrar (or, for direct calls, the SIP stack is running);
 * - `panel.connected`: the panel board answers (always true for the simulated panel);
 * - `journal.writable`: the call journal writes, and no record is waiting to be written;
 * - `sync.state`: `off` (no sink), `current`, `behind` (a backlog is on its way) or `failing` (a sink's last try
 *   failed), with each sink's backlog.
 * 200 when the unit can take calls (SIP up and the journal writable), else 503; both list the parts.
 */
import type { FastifyInstance } from 'fastify';
import type { DeskUnit } from '../../app/desk-unit.ts';
import { syncStatusFrom, type SyncStatusSource } from '../../app/sync/sync-status.ts';

export type SyncHealth = 'off' | 'current' | 'behind' | 'failing';

export interface Health {
  /** The unit can take calls: SIP up and the journal writable (the answer is 200; else 503). */
  ok: boolean;
  sip: { up: boolean };
  panel: { kind: 'board' | 'simulated'; connected: boolean };
  journal: { writable: boolean; unwrittenRecords: number };
  sync: { state: SyncHealth; sinks: { sink: string; backlog: number; failing: boolean }[] };
}

export function healthOf(unit: DeskUnit, sync?: SyncStatusSource): Health {
  const s = unit.status();
  const unwrittenRecords = unit.unwrittenCount;
  const journalWritable = !s.journalFault && unwrittenRecords === 0;
  const sinks = syncStatusFrom(sync).sinks.map((k) => ({ sink: k.sink, backlog: k.backlog, failing: k.lastError !== null }));
  const state: SyncHealth =
    sinks.length === 0 ? 'off' : sinks.some((k) => k.failing) ? 'failing' : sinks.some((k) => k.backlog > 0) ? 'behind' : 'current';
  return {
    ok: s.sipUp && journalWritable,
    sip: { up: s.sipUp },
    panel: { kind: unit.panelKind, connected: !s.panelFault },
    journal: { writable: journalWritable, unwrittenRecords },
    sync: { state, sinks },
  };
}

export function healthRoutes(app: FastifyInstance, unit: DeskUnit, sync?: SyncStatusSource): void {
  app.get('/healthz', async (_req, reply) => {
    const health = healthOf(unit, sync);
    return reply.code(health.ok ? 200 : 503).send(health);
  });
}
