import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedPanel } from '../../src/adapters/panel/simulated-panel.ts';
import { createLogger } from '../../src/app/logger.ts';
import { buildHttp } from '../../src/http/server.ts';
import type { Panel } from '../../src/ports/panel.ts';
import { fakeUnit } from '../support/fake-unit.ts';
import { memoryLogger } from '../support/memory-logger.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(panel: Panel = new SimulatedPanel(memoryLogger())) {
  const { unit, sip, journal } = fakeUnit(panel);
  await unit.start();
  const app = buildHttp({ unit, unitId: 'u1', logger: createLogger('silent') });
  cleanups.push(() => app.close(), () => unit.stop());
  return { unit, sip, journal, app };
}

describe('LAN API', () => {
  it('GET /api/v1/status shows every light and the ringing call', async () => {
    const { app, sip } = await setup();
    sip.raise({ type: 'sip.up' });
    sip.raise({ type: 'call.incoming', callId: 'c', number: '+8613812345678', displayName: 'Li' });
    const res = await app.inject({ method: 'GET', url: '/api/v1/status' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body.lights).sort()).toEqual(
      ['ANSWER_NOW', 'APOLOGISE', 'CALLBACK', 'HOLD', 'LENGTH', 'LINE2', 'READY', 'RING1', 'RING2', 'RING3', 'SYNC'].sort(),
    );
    expect(body.lights).toMatchObject({ READY: 'on', RING1: 'on' });
    expect(body.call).toMatchObject({ state: 'ringing', rings: 1, callerNumber: '+8613812345678', callerName: 'Li' });
    expect(body.panel.kind).toBe('simulated');
  });

  it('masks caller numbers for clients not on the unit itself (R11)', async () => {
    const { app, sip, journal } = await setup();
    sip.raise({ type: 'call.incoming', callId: 'c', number: '+8613812345678', displayName: 'Li' });
    sip.raise({ type: 'call.closed', callId: 'c', reason: 'remote' });
    await new Promise((r) => setImmediate(r));
    expect(journal.entries).toHaveLength(1);
    const remote = await app.inject({ method: 'GET', url: '/api/v1/calls', remoteAddress: '192.0.2.10' });
    expect(remote.json().calls[0].callerNumber).toBe('+***********78');
    const local = await app.inject({ method: 'GET', url: '/api/v1/calls' });
    expect(local.json().calls[0].callerNumber).toBe('+8613812345678');
  });

  it('GET /api/v1/calls lists records newest first and pages with before', async () => {
    const { app, sip } = await setup();
    for (const id of ['a', 'b', 'c']) {
      sip.raise({ type: 'call.incoming', callId: id, number: id, displayName: null });
      sip.raise({ type: 'call.closed', callId: id, reason: 'remote' });
    }
    await new Promise((r) => setImmediate(r));
    const page1 = (await app.inject({ method: 'GET', url: '/api/v1/calls?limit=2' })).json();
    expect(page1.calls.map((c: { seq: number; callerNumber: string }) => [c.seq, c.callerNumber])).toEqual([[3, 'c'], [2, 'b']]);
    expect(page1.next).toBe('/api/v1/calls?limit=2&before=2');
    const page2 = (await app.inject({ method: 'GET', url: page1.next })).json();
    expect(page2.calls.map((c: { seq: number }) => c.seq)).toEqual([1]);
    expect(page2.next).toBeNull();
    const bad = await app.inject({ method: 'GET', url: '/api/v1/calls?limit=zero' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('querystring.limit');
  });

  it('POST /api/v1/sim/hook lifts the handset and answers the ringing call; HOLD waits for the answer', async () => {
    const { app, sip } = await setup();
    const call = async () => (await app.inject({ method: 'GET', url: '/api/v1/status' })).json() as { call: { state: string; holdMs: number | null }; lights: { HOLD: string } };
    const pressHold = () => app.inject({ method: 'POST', url: '/api/v1/sim/button', payload: { name: 'hold' } });
    sip.raise({ type: 'call.incoming', callId: 'c', number: '1', displayName: null });
    const res = await app.inject({ method: 'POST', url: '/api/v1/sim/hook', payload: { state: 'off' } });
    expect(res.statusCode).toBe(200);
    expect(sip.commands).toEqual(['answer:c']);
    const answering = await call();
    // Pressed while SIP has not confirmed the answer: nothing is sent and the call stays as it was.
    expect((await pressHold()).statusCode).toBe(200);
    expect(sip.commands).toEqual(['answer:c']);
    const after = await call();
    expect(after.call).toEqual({ ...answering.call, elapsedMs: expect.any(Number) });
    expect(after.call).toMatchObject({ state: 'answering', holdMs: null });
    expect(after.lights.HOLD).toBe('off');
    // Once the call is up, the same press holds it.
    sip.raise({ type: 'call.established', callId: 'c' });
    expect((await call()).call.state).toBe('talking');
    expect((await pressHold()).statusCode).toBe(200);
    expect(sip.commands).toEqual(['answer:c', 'hold:c']);
    const held = await call();
    expect(held.call).toMatchObject({ state: 'held', holdMs: expect.any(Number) });
    expect(held.lights.HOLD).toBe('on');
  });

  it.each([
    ['/api/v1/sim/hook', { state: 'up' }, 'body.state'],
    ['/api/v1/sim/hook', {}, 'body.state'],
    ['/api/v1/sim/hook', { state: 'off', extra: 1 }, 'body.extra'],
    ['/api/v1/sim/button', { name: 'redial' }, 'body.name'],
  ])('POST %s with %j is 400 naming %s', async (url, payload, field) => {
    const { app } = await setup();
    const res = await app.inject({ method: 'POST', url, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'E_BAD_INPUT', field });
  });

  it('unparsable JSON is 400 naming the body', async () => {
    const { app } = await setup();
    const res = await app.inject({ method: 'POST', url: '/api/v1/sim/hook', payload: '{"state":', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body' });
  });

  it('the sim routes answer 409 when a real board is in use', async () => {
    const board: Panel = { kind: 'board', start: async () => {}, stop: async () => {}, setLight() {}, setRinger() {}, onInput: () => () => {} };
    const { app } = await setup(board);
    const res = await app.inject({ method: 'POST', url: '/api/v1/sim/hook', payload: { state: 'off' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('E_PANEL_KIND');
  });
});
