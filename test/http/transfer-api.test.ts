/**
 * R13 consult transfers over the LAN API (issue 19 items 1-2, issue 18 item 5): POST .../transfer {"to","announce"?},
 * .../transfer/connect and .../transfer/cancel on the fake SIP line; errors in the API's codes; Idempotency-Key
 * honoured; /api/v1/status and the live stream tell the transfer's phase, its outcome and the bridged calls; over
 * HTTPS (port 29685) a wallboard sees no colleague and no caller in them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryBook } from '../../src/app/calls/directory-book.ts';
import { createLogger } from '../../src/app/logger.ts';
import { LiveFeed, type LiveEvent } from '../../src/app/records/live-feed.ts';
import { IdempotencyStore } from '../../src/http/idempotency/idempotency-store.ts';
import { buildHttp } from '../../src/http/server.ts';
import { fakeUnit } from '../support/fake-unit.ts';
import { startLanUnit } from './lan-support.ts';
import { recordsFor } from './records-fixture.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const f = fakeUnit();
  const now = Date.parse('2026-11-25T02:00:00Z');
  await f.unit.start();
  const records = recordsFor({ unit: f.unit, journal: f.journal, clock: { now: () => now, monotonic: () => now }, timeZone: 'Asia/Shanghai' });
  await records.start();
  const directory = new DirectoryBook([{ name: '财务室', uri: 'sip:8001@pbx.example' }], 'pbx.example');
  const idempotency = new IdempotencyStore(() => Date.now());
  const app = buildHttp({ unit: f.unit, unitId: 'u1', logger: createLogger('silent'), records, directory, idempotency });
  const feed = new LiveFeed(f.unit, records, 50);
  cleanups.push(() => feed.stop(), () => app.close(), () => records.stop(), () => f.unit.stop());
  const post = (url: string, payload?: object, key?: string) =>
    app.inject({ method: 'POST' as const, url, ...(payload === undefined ? {} : { payload }), ...(key ? { headers: { 'idempotency-key': key } } : {}) });
  const status = async () => (await app.inject({ method: 'GET', url: '/api/v1/status' })).json();
  const talking = () => {
    f.sip.raise({ type: 'call.incoming', callId: 'c1', number: '+8613800000000', displayName: '李女士' });
    f.unit.simulate({ type: 'hook', state: 'off' });
    f.sip.raise({ type: 'call.established', callId: 'c1' });
  };
  const settle = () => new Promise((r) => setTimeout(r, 10));
  const callEvents = () => {
    const seen: LiveEvent[] = [];
    feed.subscribe(null, (e) => e.type === 'call' && seen.push(e));
    return seen;
  };
  return { f, post, status, talking, settle, callEvents };
}

describe('transfer API (R13)', () => {
  it('no call: 409 E_NO_CALL for transfer, connect and cancel; a bad announce is 400 naming the field', async () => {
    const { post } = await setup();
    for (const url of ['/api/v1/calls/current/transfer', '/api/v1/calls/current/transfer/connect', '/api/v1/calls/current/transfer/cancel']) {
      const res = await post(url, url.endsWith('transfer') ? { to: '财务室' } : {});
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.code).toBe('E_NO_CALL');
    }
    const bad = await post('/api/v1/calls/current/transfer', { to: '财务室', announce: 'robot' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body.announce' });
  });

  it('transfer → consult with the chosen announce; status and the live stream follow the phase; connect joins; the bridge is listed', async () => {
    const { f, post, status, talking, settle, callEvents } = await setup();
    const events = callEvents();
    talking();
    const res = await post('/api/v1/calls/current/transfer', { to: '财务室', announce: 'receptionist' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ callId: 'c1', to: { label: '财务室', uri: 'sip:8001@pbx.example' } });
    await settle();
    expect(f.sip.commands).toContain('consult:c1:sip:8001@pbx.example:receptionist');
    const consulting = (await status()).call;
    expect(consulting).toMatchObject({ state: 'consulting', consult: { target: '财务室', announce: 'receptionist', phase: 'ringing' } });
    // The countdown to sip.transferTimeoutMs (20 s by default), counted on the unit's monotonic clock.
    expect(consulting.consult.remainingMs).toBeGreaterThan(15_000);
    expect(consulting.consult.remainingMs).toBeLessThanOrEqual(20_000);
    // Connect before the colleague answered: 409 saying why.
    const early = await post('/api/v1/calls/current/transfer/connect');
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'E_TRANSFER_STATE', message: expect.stringContaining('not answered') });
    // A second transfer meanwhile: 409 too.
    expect((await post('/api/v1/calls/current/transfer', { to: '财务室' })).json().error.code).toBe('E_TRANSFER_STATE');
    f.sip.raise({ type: 'consult.answered', callId: 'c1', legId: 'leg-1', line: 2 });
    expect((await status()).call.consult.phase).toBe('answered');
    const connect = await post('/api/v1/calls/current/transfer/connect', undefined, 'connect-key-1');
    expect(connect.statusCode, connect.body).toBe(202);
    // The same key again (a double click arriving late): the first answer, nothing done twice.
    const again = await post('/api/v1/calls/current/transfer/connect', undefined, 'connect-key-1');
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    await settle();
    expect(f.sip.commands.filter((c) => c.startsWith('bridge:'))).toEqual(['bridge:c1:leg-1']);
    const s = await status();
    expect(s.call).toBeNull();
    expect(s.bridges).toEqual([expect.objectContaining({ target: '财务室', lines: [1, 2], durationMs: expect.any(Number) })]);
    // Local API viewer: caller fields as stored (masking per role is the privacy tests' business).
    expect(s.bridges[0].callerName).toBe('李女士');
    const phases = events.map((e) => (e.type === 'call' ? [e.data.state, e.data.transfer?.phase ?? null, e.data.bridges] : null));
    expect(phases).toEqual(expect.arrayContaining([['consulting', 'ringing', 0], ['consulting', 'answered', 0], ['consulting', 'joining', 0], [null, null, 1]]));
  });

  it('the colleague is busy: status says so and the caller is held; cancel ends a leg and keeps the caller; Idempotency-Key makes one transfer of two posts', async () => {
    const { f, post, status, talking, settle, callEvents } = await setup();
    const events = callEvents();
    talking();
    const [a, b] = await Promise.all([
      post('/api/v1/calls/current/transfer', { to: '财务室' }, 'transfer-key-1'),
      post('/api/v1/calls/current/transfer', { to: '财务室' }, 'transfer-key-1'),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    await settle();
    expect(f.sip.commands.filter((c) => c.startsWith('consult:'))).toEqual(['consult:c1:sip:8001@pbx.example:unit']);
    f.sip.raise({ type: 'consult.ended', callId: 'c1', legId: 'leg-1', reason: 'busy', detail: '486 Busy Here' });
    expect((await status()).call).toMatchObject({ state: 'held', transfer: { target: '财务室', result: 'failed', reason: 'busy', detail: '486 Busy Here' } });
    expect(events.at(-1)?.data).toMatchObject({ state: 'held', transfer: { phase: null, result: 'failed', reason: 'busy' } });

    expect((await post('/api/v1/calls/current/transfer', { to: '财务室' })).statusCode).toBe(202);
    await settle();
    const cancel = await post('/api/v1/calls/current/transfer/cancel');
    expect(cancel.statusCode, cancel.body).toBe(202);
    await settle();
    expect(f.sip.commands).toContain('endConsult:c1:leg-2');
    expect((await status()).call).toMatchObject({ state: 'held', transfer: { reason: 'cancelled' } });
    expect(f.sip.commands.filter((c) => c === 'hangup:c1')).toEqual([]);
  });
});

describe('transfers over HTTPS per role (R11)', () => {
  it('reception sees the colleague and the masked caller of a transfer and a bridge; a wallboard sees neither (states and durations only)', async () => {
    const u = await startLanUnit(29685, { directory: new DirectoryBook([{ name: '财务室', uri: 'sip:8001@pbx.example' }], 'pbx.example') });
    cleanups.push(() => u.stop());
    u.f.sip.raise({ type: 'call.incoming', callId: 'c1', number: '+8613957318642', displayName: '李女士' });
    u.f.unit.simulate({ type: 'hook', state: 'off' });
    u.f.sip.raise({ type: 'call.established', callId: 'c1' });
    const asked = await u.call('POST', '/api/v1/calls/current/transfer', { token: u.token.reception, body: { to: '财务室' } });
    expect(asked.status, asked.text).toBe(202);
    await new Promise((r) => setTimeout(r, 10));
    const reception = await u.call('GET', '/api/v1/status', { token: u.token.reception });
    expect(reception.json().call).toMatchObject({ state: 'consulting', consult: { target: '财务室' }, transfer: { target: '财务室' } });
    const wallboard = await u.call('GET', '/api/v1/status', { token: u.token.wallboard });
    expect(wallboard.json().call).toMatchObject({ state: 'consulting', consult: { target: '', phase: 'ringing' }, transfer: { target: '', result: 'pending' } });
    expect(wallboard.text).not.toContain('财务室');
    u.f.sip.raise({ type: 'consult.answered', callId: 'c1', legId: 'leg-1' });
    u.f.sip.raise({ type: 'consult.dtmf', callId: 'c1', legId: 'leg-1', digit: '1' });
    await new Promise((r) => setTimeout(r, 10));
    const bridged = await u.call('GET', '/api/v1/status', { token: u.token.reception });
    expect(bridged.json().bridges).toEqual([expect.objectContaining({ target: '财务室', callerName: '李女士', callerNumber: '139****8642' })]);
    const board = await u.call('GET', '/api/v1/status', { token: u.token.wallboard });
    expect(board.json().bridges).toEqual([expect.objectContaining({ target: '', callerName: null, callerNumber: null, durationMs: expect.any(Number) })]);
    expect(board.text).not.toContain('财务室');
    expect(board.text).not.toContain('8642');
  });
});
