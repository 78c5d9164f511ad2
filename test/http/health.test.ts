/**
 * GET /healthz tells the truth (issue 17): 503 while the unit cannot take calls (SIP down, journal not
 * writing), 200 otherwise; SIP, panel, journal and sync are each reported; no caller data. Fakes for the SIP
 * line and the journal, the simulated panel, a scripted sync source.
 */
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SinkStats } from '../../src/app/sync/sync-engine.ts';
import { healthRoutes } from '../../src/http/routes/health.ts';
import { fakeUnit } from '../support/fake-unit.ts';

const sinkStats = (over: Partial<SinkStats>): SinkStats => ({
  sink: 'postgres', confirms: true, cursor: 10, backlog: 0, oldestUnsentAgeMs: null, lastSuccessAt: null, lastError: null, sent: 10, failures: 0, ...over,
});

let f: ReturnType<typeof fakeUnit>;
let sinks: SinkStats[];
let app: ReturnType<typeof Fastify>;

beforeEach(async () => {
  f = fakeUnit();
  await f.unit.start();
  sinks = [];
  app = Fastify();
  healthRoutes(app, f.unit, { stats: () => sinks });
  await app.ready();
});
afterEach(async () => {
  await app.close();
  await f.unit.stop();
});

const health = async () => {
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  return { status: res.statusCode, body: res.json() as Record<string, unknown>, text: res.body };
};

describe('GET /healthz', () => {
  it('503 while SIP is down; 200 with every part listed once it is up', async () => {
    expect(await health()).toMatchObject({ status: 503, body: { ok: false, sip: { up: false } } });
    f.sip.raise({ type: 'sip.up' });
    expect((await health()).status).toBe(200);
    expect((await health()).body).toEqual({
      ok: true,
      sip: { up: true },
      panel: { kind: 'simulated', connected: true },
      journal: { writable: true, unwrittenRecords: 0 },
      sync: { state: 'off', sinks: [] },
    });
    f.sip.raise({ type: 'sip.down', reason: 'registration failed: 403' });
    expect(await health()).toMatchObject({ status: 503, body: { ok: false, sip: { up: false } } });
  });

  it('503 while the journal cannot write; a panel fault is reported but calls can still be taken', async () => {
    f.sip.raise({ type: 'sip.up' });
    f.unit.dispatch({ type: 'journal.fault', fault: true });
    expect(await health()).toMatchObject({ status: 503, body: { ok: false, journal: { writable: false } } });
    f.unit.dispatch({ type: 'journal.fault', fault: false });
    f.unit.dispatch({ type: 'panel.fault', fault: true });
    expect(await health()).toMatchObject({ status: 200, body: { ok: true, panel: { connected: false }, journal: { writable: true } } });
  });

  it('a record the journal could not write keeps the journal unwritable until it is written', async () => {
    f.sip.raise({ type: 'sip.up' });
    f.journal.failNext = 100;
    f.sip.raise({ type: 'call.incoming', callId: 'c1', number: '13800138000', displayName: '张三' });
    f.sip.raise({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    await new Promise((r) => setTimeout(r, 10));
    const h = await health();
    expect(h).toMatchObject({ status: 503, body: { journal: { writable: false, unwrittenRecords: 1 } } });
    expect(h.text).not.toContain('13800138000');
    expect(h.text).not.toContain('张三');
    f.journal.failNext = 0;
  });

  it('sync: current, behind with a backlog, failing after a failed try; never an error text or an address', async () => {
    f.sip.raise({ type: 'sip.up' });
    sinks = [sinkStats({})];
    expect((await health()).body.sync).toEqual({ state: 'current', sinks: [{ sink: 'postgres', backlog: 0, failing: false }] });
    sinks = [sinkStats({}), sinkStats({ sink: 'https', backlog: 3 })];
    expect((await health()).body.sync).toMatchObject({ state: 'behind' });
    sinks = [sinkStats({ backlog: 3, lastError: { message: 'connect ECONNREFUSED 10.1.2.3:5432', at: '2026-01-01T00:00:00Z' } })];
    const h = await health();
    expect(h).toMatchObject({ status: 200, body: { sync: { state: 'failing', sinks: [{ sink: 'postgres', backlog: 3, failing: true }] } } });
    expect(h.text).not.toContain('10.1.2.3');
  });
});
