/**
 * R11 before authentication exists: caller numbers and names go in full only to clients on the unit itself;
 * every other client sees them masked (a 7-digit number shows at most its last 2 digits); and neither reaches
 * the log at info level.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.ts';
import { maskCaller, maskName, maskNumber } from '../../src/http/privacy.ts';
import { buildHttp } from '../../src/http/server.ts';
import { fakeUnit } from '../support/fake-unit.ts';

const NUMBER = '+8613812345678';
const NAME = '王小明';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const f = fakeUnit();
  await f.unit.start();
  const app = buildHttp({ unit: f.unit, unitId: 'u1', logger: createLogger('silent') });
  cleanups.push(() => app.close(), () => f.unit.stop());
  return { ...f, app };
}

/** How many characters of `masked` still show the original (everything but the mask and a leading "+"). */
function shown(masked: string): number {
  return Array.from(masked.replace(/^\+/, '')).filter((c) => c !== '*').length;
}

describe('maskNumber', () => {
  it.each([
    ['+8613812345678', '+***********78'],
    ['5550123', '*****23'],
    ['555012', '*****2'],
    ['12345', '****5'],
    ['1234', '****'],
    ['+1', '+*'],
    ['', ''],
  ])('%j -> %j', (number, masked) => {
    expect(maskNumber(number)).toBe(masked);
  });

  it('keeps null as null', () => {
    expect(maskNumber(null)).toBeNull();
  });

  it('shows at most the last 2 characters, fewer below 7, and keeps the length', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'+0123456789#*abcé中'.split('')), maxLength: 30 }), (number) => {
        const masked = maskNumber(number) as string;
        const body = Array.from(number.replace(/^\+/, ''));
        expect(Array.from(masked)).toHaveLength(Array.from(number).length);
        expect(shown(masked)).toBeLessThanOrEqual(body.length >= 7 ? 2 : body.length >= 5 ? 1 : 0);
        const tail = Array.from(masked).slice(Array.from(masked).length - shown(masked)).join('');
        expect(number.endsWith(tail)).toBe(true);
      }),
    );
  });
});

describe('maskName', () => {
  it.each([
    ['王小明', '王**'],
    ['王伟', '王*'],
    ['Alice Li', 'A*******'],
    ['李', '*'],
    ['', ''],
  ])('%j -> %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('keeps at most the first character of any name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (name) => {
        const masked = Array.from(maskName(name) as string);
        expect(masked).toHaveLength(Array.from(name).length);
        expect(masked.slice(1).every((c) => c === '*')).toBe(true);
      }),
    );
  });

  it('maskCaller masks both fields for remote clients and leaves local ones untouched', () => {
    const view = { callerNumber: NUMBER, callerName: NAME, other: 1 };
    expect(maskCaller(view, true)).toBe(view);
    expect(maskCaller(view, false)).toEqual({ callerNumber: '+***********78', callerName: '王**', other: 1 });
  });
});

describe('every route that returns a caller masks it for clients off the unit', () => {
  const remotes = ['192.0.2.10', '10.0.0.7', '2001:db8::1', '::ffff:192.0.2.10', '128.0.0.1'];
  const locals = ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'];

  async function withRingingAndRecorded() {
    const s = await setup();
    s.sip.raise({ type: 'sip.up' });
    s.sip.raise({ type: 'call.incoming', callId: 'a', number: NUMBER, displayName: NAME });
    s.sip.raise({ type: 'call.closed', callId: 'a', reason: 'remote' });
    s.sip.raise({ type: 'call.incoming', callId: 'b', number: NUMBER, displayName: NAME });
    await new Promise((r) => setImmediate(r));
    expect(s.journal.entries).toHaveLength(1);
    return s;
  }

  it.each(remotes)('remote client %s sees masked numbers and names in status and calls', async (remoteAddress) => {
    const { app } = await withRingingAndRecorded();
    for (const url of ['/api/v1/status', '/api/v1/calls']) {
      const res = await app.inject({ method: 'GET', url, remoteAddress });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(NUMBER.slice(-7));
      expect(res.body).not.toContain('小明');
    }
    const status = (await app.inject({ method: 'GET', url: '/api/v1/status', remoteAddress })).json();
    expect(status.call).toMatchObject({ callerNumber: '+***********78', callerName: '王**' });
    const calls = (await app.inject({ method: 'GET', url: '/api/v1/calls', remoteAddress })).json();
    expect(calls.calls[0]).toMatchObject({ callerNumber: '+***********78', callerName: '王**' });
  });

  it.each(locals)('a client on the unit itself (%s) sees them in full', async (remoteAddress) => {
    const { app } = await withRingingAndRecorded();
    const status = (await app.inject({ method: 'GET', url: '/api/v1/status', remoteAddress })).json();
    expect(status.call).toMatchObject({ callerNumber: NUMBER, callerName: NAME });
    const calls = (await app.inject({ method: 'GET', url: '/api/v1/calls', remoteAddress })).json();
    expect(calls.calls[0]).toMatchObject({ callerNumber: NUMBER, callerName: NAME });
  });
});

describe('the log at info level', () => {
  it('never names the caller through a whole call: ring, answer, hold, resume, hang-up, record, and a failed command', async () => {
    const { unit, sip, journal, logs } = await setup();
    sip.failing.add('resume');
    sip.raise({ type: 'sip.up' });
    sip.raise({ type: 'call.incoming', callId: 'c1', number: NUMBER, displayName: NAME });
    unit.simulate({ type: 'hook', state: 'off' });
    sip.raise({ type: 'call.established', callId: 'c1' });
    unit.simulate({ type: 'button', name: 'hold' });
    unit.simulate({ type: 'button', name: 'hold' });
    sip.raise({ type: 'call.incoming', callId: 'c2', number: '+8613900001111', displayName: 'Zhang San' });
    sip.raise({ type: 'call.closed', callId: 'c1', reason: 'remote' });
    sip.raise({ type: 'call.closed', callId: 'c2', reason: 'remote' });
    await new Promise((r) => setTimeout(r, 10));
    expect(journal.entries.map((e) => e.record.callerNumber)).toEqual([NUMBER, '+8613900001111']);
    // The run logged at info and above (recorded calls, the failed resume), so the check below has lines to look at.
    const shownAtInfo = logs.filter((l) => l.level !== 'debug');
    expect(shownAtInfo.some((l) => l.msg === 'call recorded')).toBe(true);
    expect(shownAtInfo.some((l) => l.level === 'error')).toBe(true);
    for (const l of shownAtInfo) {
      for (const secret of [NUMBER, '13812345678', NAME, '+8613900001111', 'Zhang San']) expect(l.line).not.toContain(secret);
    }
  });
});
