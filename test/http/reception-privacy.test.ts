/**
 * Privacy that lets the receptionist work (R11, issue 18), over the LAN listener with real tokens: reception reads
 * callers' names and the names she typed, numbers masked in the middle; "show number" gives the whole number and
 * leaves a `number.shown` event in the journal (who, when, which call), or is refused when the installer turned it
 * off (records.showNumbers); the wallboard role sees states and counts, never a name or a number.
 * Ports 29610-29611.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCallEntry } from '../../src/ports/call-journal.ts';
import { maskMiddle } from '../../src/http/reception-mask.ts';
import { sampleRecord, startLanUnit, type LanUnit } from './lan-support.ts';

const NUMBER = '+8613812345678';
const NAME = '王小明';

describe('maskMiddle', () => {
  it.each([
    ['+8613812341111', '138****1111'],
    ['13700002222', '137****2222'],
    ['+861012345678', '010****5678'],
    ['+15550100123', '+155****0123'],
    ['5550123', '***0123'],
    ['8001', '****'],
    ['', ''],
  ])('%s -> %s', (number, shown) => {
    expect(maskMiddle(number)).toBe(shown);
  });
  it('keeps null', () => expect(maskMiddle(null)).toBeNull());
});

async function unitWithCalls(port: number, records: Record<string, unknown> = {}): Promise<LanUnit> {
  const u = await startLanUnit(port, { records });
  await u.f.journal.append(sampleRecord({ id: 'answered-1' }));
  await u.f.journal.append(sampleRecord({ id: 'missed-1', outcome: 'missed', answeredAt: null, answeredBy: 'nobody', pickedUpAt: null, talkMs: 0 }));
  for (const entry of u.f.journal.all) u.records.book.apply(entry);
  return u;
}

const shownEvents = (u: LanUnit) =>
  u.f.journal.all.filter((e) => !isCallEntry(e) && e.event.type === 'number.shown').map((e) => (isCallEntry(e) ? null : e.event));

describe('reception and wallboard over HTTPS', () => {
  let u: LanUnit;
  beforeAll(async () => {
    u = await unitWithCalls(29610);
  });
  afterAll(async () => {
    await u?.stop();
  });

  it('reception reads names and middle-masked numbers in calls, call-backs, slips and the live call', async () => {
    const calls = (await u.call('GET', '/api/v1/calls', { token: u.token.reception })).json();
    expect(calls.calls[0]).toMatchObject({ callerName: NAME, callerNumber: '138****5678' });
    const cbs = (await u.call('GET', '/api/v1/callbacks', { token: u.token.reception })).json();
    expect(cbs.callbacks).toEqual([expect.objectContaining({ id: 'missed-1', name: NAME, number: '138****5678' })]);
    // A slip she typed herself: the name as she wrote it.
    const slip = await u.call('POST', '/api/v1/messages', { token: u.token.reception, body: { to: '李经理', from: '钱女士', callbackNumber: '+8613900001111', content: '请回电', takenBy: '前台' } });
    expect(slip.json()).toMatchObject({ from: '钱女士', callbackNumber: '139****1111' });
    u.f.sip.raise({ type: 'call.incoming', callId: 'live', number: NUMBER, displayName: NAME });
    const status = (await u.call('GET', '/api/v1/status', { token: u.token.reception })).json();
    expect(status.call).toMatchObject({ callerName: NAME, callerNumber: '138****5678' });
    u.f.sip.raise({ type: 'call.closed', callId: 'live', reason: 'remote' });
  });

  it('"show number" answers the whole number and logs who asked for which call, for a call and a call-back', async () => {
    const before = shownEvents(u).length;
    const call = await u.call('POST', '/api/v1/calls/answered-1/number', { token: u.token.reception });
    expect(call.status).toBe(200);
    expect(call.json()).toEqual({ id: 'answered-1', number: NUMBER });
    const cb = await u.call('POST', '/api/v1/callbacks/missed-1/number', { token: u.token.reception });
    expect(cb.json()).toEqual({ id: 'missed-1', number: NUMBER });
    const events = shownEvents(u).slice(before);
    expect(events).toEqual([
      expect.objectContaining({ type: 'number.shown', callId: 'answered-1', callbackId: null, by: 'reception:desk-1', at: expect.any(String) }),
      expect.objectContaining({ type: 'number.shown', callId: 'missed-1', callbackId: 'missed-1', by: 'reception:desk-1' }),
    ]);
    // The event names the call, never the number it showed.
    expect(JSON.stringify(events)).not.toContain('13812345678');
    expect((await u.call('POST', '/api/v1/calls/nope/number', { token: u.token.reception })).status).toBe(404);
  });

  it('wallboard sees the call\'s state and the call-back count, never a name or a number, and no records', async () => {
    u.f.sip.raise({ type: 'call.incoming', callId: 'live2', number: NUMBER, displayName: NAME });
    const status = await u.call('GET', '/api/v1/status', { token: u.token.wallboard });
    expect(status.status).toBe(200);
    expect(status.json().call).toMatchObject({ state: 'ringing', callerName: null, callerNumber: null });
    expect(status.text).not.toContain('5678');
    expect(status.text).not.toContain(NAME);
    u.f.sip.raise({ type: 'call.closed', callId: 'live2', reason: 'remote' });
    for (const [method, path] of [['GET', '/api/v1/calls'], ['GET', '/api/v1/callbacks'], ['GET', '/api/v1/messages'], ['POST', '/api/v1/calls/answered-1/number']] as const) {
      expect([method, path, (await u.call(method, path, { token: u.token.wallboard })).status]).toEqual([method, path, 403]);
    }
    const session = (await u.call('GET', '/api/v1/session', { token: u.token.wallboard })).json();
    expect(session.viewer).toEqual({ kind: 'token', name: 'wall-1', role: 'wallboard' });
    expect(session.may).toMatchObject({ readCalls: false, writeRecords: false, readDirectory: false, showNumber: false });
  });
});

describe('records.showNumbers off', () => {
  let u: LanUnit;
  beforeAll(async () => {
    u = await unitWithCalls(29611, { showNumbers: false });
  });
  afterAll(async () => {
    await u?.stop();
  });

  it('refuses "show number" in words naming the setting and logs nothing', async () => {
    const before = u.f.journal.all.length;
    for (const path of ['/api/v1/calls/answered-1/number', '/api/v1/callbacks/missed-1/number']) {
      const res = await u.call('POST', path, { token: u.token.reception });
      expect(res.status).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining('records.showNumbers') });
      expect(res.text).not.toContain('13812345678');
    }
    expect(u.f.journal.all.length).toBe(before);
  });
});
