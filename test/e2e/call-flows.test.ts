/**
 * The whole unit end to end: sipp calls the unit's real baresip, the core rings the (simulated) panel,
 * the LAN API answers with the handset, and the call lands in the journal. Timings are shortened (FAST_RULES).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/record.ts';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { baresipPid, bootUnit, SIP_PORT, waitFor, type TestUnit } from './unit-harness.ts';

type Lights = Record<string, string>;
interface Status {
  sip: { up: boolean };
  lights: Lights;
  waitingCalls: number;
  call: null | { state: string; rings: number; callerNumber: string | null; lengthMs: number | null; holdMs: number | null };
}
type Call = CallRecord & { seq: number };

let u: TestUnit;
let sippPort = 25090;
const target = `127.0.0.1:${SIP_PORT}`;

beforeAll(async () => {
  u = await bootUnit();
  await waitFor('SIP up', async () => (await u.get<Status>('/api/v1/status')).sip.up);
});
afterAll(async () => {
  await killAllSipp();
  await u?.stop();
});
afterEach(async () => {
  await killAllSipp();
  // A caller killed by a failed test leaves its call in baresip: pick it up and put it down to clear the line.
  if ((await u.get<Status>('/api/v1/status')).call) await u.post('/api/v1/sim/hook', { state: 'off' });
  await u.post('/api/v1/sim/hook', { state: 'on' });
  await waitFor('line idle', async () => (await u.get<Status>('/api/v1/status')).call === null);
});

const status = () => u.get<Status>('/api/v1/status');
const calls = async () => (await u.get<{ calls: Call[] }>('/api/v1/calls')).calls;

async function nextRecord(afterSeq: number): Promise<Call> {
  return waitFor('call record', async () => (await calls()).find((c) => c.seq > afterSeq));
}
async function lastSeq(): Promise<number> {
  return (await calls())[0]?.seq ?? 0;
}

/** Polls one light until `until` settles (and once more after), collecting the distinct states it showed, in order. */
async function watchLight(name: string, until: Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  let done = false;
  void until.finally(() => (done = true));
  const look = async () => {
    const s = (await status()).lights[name] as string;
    if (seen[seen.length - 1] !== s) seen.push(s);
  };
  while (!done) {
    await look();
    await new Promise((r) => setTimeout(r, 50));
  }
  await look();
  return seen;
}

describe('a call through the whole unit', () => {
  it('answered at ring 2 from the handset: 200 OK, the caller hangs up, a timely record', async () => {
    const seq = await lastSeq();
    const call = startSippCall({ scenario: 'uac-talk', target, localPort: sippPort++, vars: { caller: '+8613800138000', answer_ms: 10_000, talk_ms: 1500 } });
    // The status counts rings at the moment it is asked; the panel's lights change on the unit's ring tick, which
    // a loaded machine may run a few milliseconds after the ring begins: wait for both.
    const ringing = await waitFor('ring 2 on the panel', async () => {
      const s = await status();
      return s.call?.state === 'ringing' && s.call.rings === 2 && s.lights.RING2 === 'on' ? s : undefined;
    });
    expect(ringing.lights).toMatchObject({ RING1: 'on', RING2: 'on', RING3: 'off', ANSWER_NOW: 'off' });
    expect(ringing.call?.callerNumber).toBe('+8613800138000');
    expect((await u.post('/api/v1/sim/hook', { state: 'off' })).status).toBe(200);
    const result = await call.done;
    expect(result.code, result.stderr).toBe(0);
    const r = await nextRecord(seq);
    expect(r).toMatchObject({
      unitId: 'e2e-desk',
      callerNumber: '+8613800138000',
      rings: 2,
      late: false,
      answeredBy: 'receptionist',
      hungUpFirst: 'caller',
      outcome: 'answered',
      timeZone: 'Asia/Shanghai',
      notes: null,
      category: null,
    });
    expect(r.talkMs).toBeGreaterThanOrEqual(1400);
    expect(r.talkMs).toBeLessThan(5000);
    const s = await status();
    expect(s.lights).toMatchObject({ RING1: 'off', RING2: 'off', LENGTH: 'off', APOLOGISE: 'off' });
  });

  it('lifted after the budget: APOLOGISE lights and the record says late', async () => {
    const seq = await lastSeq();
    const call = startSippCall({ scenario: 'uac-talk', target, localPort: sippPort++, vars: { answer_ms: 15_000, talk_ms: 1500 } });
    await waitFor('ring 4', async () => ((await status()).call?.rings ?? 0) >= 4);
    expect((await status()).lights.ANSWER_NOW).toBe('fast');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    expect((await status()).lights.APOLOGISE).toBe('on');
    expect((await call.done).code).toBe(0);
    const r = await nextRecord(seq);
    expect(r).toMatchObject({ late: true, rings: 4, outcome: 'answered', answeredBy: 'receptionist' });
  });

  it('the caller gives up at ring 2: the record says missed and the ring lights go off', async () => {
    const seq = await lastSeq();
    const call = startSippCall({ scenario: 'uac-cancel', target, localPort: sippPort++, vars: { cancel_ms: 1500 } });
    await waitFor('ring 2', async () => (await status()).call?.rings === 2);
    const result = await call.done;
    expect(result.code, result.stderr).toBe(0);
    const r = await nextRecord(seq);
    expect(r).toMatchObject({ outcome: 'missed', rings: 2, answeredBy: 'nobody', answeredAt: null, hungUpFirst: 'caller' });
    const s = await status();
    expect(s.call).toBeNull();
    expect(s.lights).toMatchObject({ RING1: 'off', RING2: 'off', RING3: 'off', ANSWER_NOW: 'off' });
  });

  it('held past the check-in and the limit: HOLD on, blink, fast; the record holds the hold time', async () => {
    const seq = await lastSeq();
    const call = startSippCall({ scenario: 'uac-talk', target, localPort: sippPort++, vars: { answer_ms: 10_000, talk_ms: 4000, reinvites: 0 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    expect((await u.post('/api/v1/sim/button', { name: 'hold' })).status).toBe(200);
    const held = waitFor('hold past the limit', async () => ((await status()).call?.holdMs ?? 0) >= 2300);
    const seen = await watchLight('HOLD', held);
    expect(seen).toEqual(['on', 'blink', 'fast']);
    await u.post('/api/v1/sim/button', { name: 'hold' }); // resume
    await waitFor('resumed', async () => (await status()).call?.state === 'talking');
    expect((await status()).lights.HOLD).toBe('off');
    const result = await call.done;
    expect(result.code, result.stderr).toBe(0);
    const r = await nextRecord(seq);
    expect(r.holds).toHaveLength(1);
    expect(r.holds[0]!.ms).toBeGreaterThanOrEqual(2300);
    expect(r.outcome).toBe('answered');
  });

  it('a long call: LENGTH on at the warning, fast at the limit, and the unit never hangs up', async () => {
    const seq = await lastSeq();
    const call = startSippCall({ scenario: 'uac-talk', target, localPort: sippPort++, vars: { answer_ms: 10_000, talk_ms: 4500 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    const ended = waitFor('call ended', async () => (await status()).call === null, 10_000);
    const seen = await watchLight('LENGTH', ended);
    expect(seen).toEqual(['off', 'on', 'fast', 'off']);
    const result = await call.done;
    expect(result.code, result.stderr).toBe(0); // sipp hung up itself after talk_ms: the unit did not
    const r = await nextRecord(seq);
    expect(r).toMatchObject({ hungUpFirst: 'caller', outcome: 'answered' });
    expect(r.talkMs).toBeGreaterThanOrEqual(4000);
  });

  it('putting the handset down hangs up: the caller gets BYE and the receptionist hung up first', async () => {
    const seq = await lastSeq();
    const call = startSippCall({ scenario: 'uac-wait-bye', target, localPort: sippPort++, vars: { answer_ms: 10_000 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    await u.post('/api/v1/sim/hook', { state: 'on' });
    const result = await call.done;
    expect(result.code, result.stderr).toBe(0);
    expect(await nextRecord(seq)).toMatchObject({ hungUpFirst: 'receptionist', outcome: 'answered' });
  });

  it('a second call while the first still rings is turned away busy; the first is still answered (R6)', async () => {
    const seq = await lastSeq();
    const first = startSippCall({ scenario: 'uac-talk', target, localPort: sippPort++, mediaPort: 16200, vars: { caller: '+861111', answer_ms: 10_000, talk_ms: 1000 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
    const second = startSippCall({ scenario: 'uac-busy', target, localPort: sippPort++, mediaPort: 16220, vars: { caller: '+862222' } });
    const busy = await second.done;
    expect(busy.code, busy.stderr).toBe(0);
    expect(await nextRecord(seq)).toMatchObject({ callerNumber: '+862222', outcome: 'busy', hungUpFirst: 'unit' });
    expect((await status()).lights.LINE2).toBe('off');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    const answered = await first.done;
    expect(answered.code, answered.stderr).toBe(0);
    await waitFor('two records', async () => (await calls()).filter((c) => c.seq > seq).length === 2);
    const records = (await calls()).filter((c) => c.seq > seq);
    expect(records.map((c) => [c.callerNumber, c.outcome])).toEqual([
      ['+861111', 'answered'],
      ['+862222', 'busy'],
    ]);
  });

  it('a second call while the first is up rings on LINE2, then on the desk, and is answered', async () => {
    const seq = await lastSeq();
    const first = startSippCall({ scenario: 'uac-wait-bye', target, localPort: sippPort++, mediaPort: 16240, vars: { caller: '+863333', answer_ms: 10_000 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    const second = startSippCall({ scenario: 'uac-talk', target, localPort: sippPort++, mediaPort: 16260, vars: { caller: '+864444', answer_ms: 15_000, talk_ms: 1000 } });
    await waitFor('LINE2 blinking', async () => (await status()).lights.LINE2 === 'blink');
    await u.post('/api/v1/sim/hook', { state: 'on' }); // first call done: hang up
    const hungUp = await first.done;
    expect(hungUp.code, hungUp.stderr + hungUp.stdout.slice(-1500)).toBe(0);
    const ringing = await waitFor('second call ringing on the desk', async () => {
      const s = await status();
      return s.call?.state === 'ringing' && s.call.callerNumber === '+864444' ? s : undefined;
    });
    expect(ringing.lights).toMatchObject({ LINE2: 'off', RING1: 'on' });
    await u.post('/api/v1/sim/hook', { state: 'off' });
    const result = await second.done;
    expect(result.code, result.stderr).toBe(0);
    await waitFor('two records', async () => (await calls()).filter((c) => c.seq > seq).length === 2);
    const records = (await calls()).filter((c) => c.seq > seq);
    expect(records.map((c) => [c.callerNumber, c.outcome, c.hungUpFirst])).toEqual([
      ['+864444', 'answered', 'caller'],
      ['+863333', 'answered', 'receptionist'],
    ]);
  });

  it('a second call waits on LINE2 and rings on the desk when the first ends; a third, with both taken, gets 486 (R6)', async () => {
    const seq = await lastSeq();
    const first = startSippCall({ scenario: 'uac-wait-bye', target, localPort: sippPort++, mediaPort: 16280, vars: { caller: '+865551', answer_ms: 10_000 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    const second = startSippCall({ scenario: 'uac-wait-bye', target, localPort: sippPort++, mediaPort: 16300, vars: { caller: '+865552', answer_ms: 30_000 } });
    await waitFor('one waiting', async () => (await status()).waitingCalls === 1);
    const third = startSippCall({ scenario: 'uac-busy', target, localPort: sippPort++, mediaPort: 16320, vars: { caller: '+865553' } });
    expect((await third.done).code).toBe(0);
    await u.post('/api/v1/sim/hook', { state: 'on' });
    expect((await first.done).code).toBe(0);
    await waitFor('+865552 ringing on the desk', async () => {
      const s = await status();
      return s.call?.state === 'ringing' && s.call.callerNumber === '+865552';
    });
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('+865552 answered', async () => (await status()).call?.state === 'talking');
    await u.post('/api/v1/sim/hook', { state: 'on' });
    expect((await second.done).code).toBe(0);
    await waitFor('three records', async () => (await calls()).filter((c) => c.seq > seq).length === 3);
    const records = (await calls()).filter((c) => c.seq > seq);
    expect(records.map((c) => [c.callerNumber, c.outcome, c.answeredBy]).reverse()).toEqual([
      ['+865553', 'busy', 'nobody'],
      ['+865551', 'answered', 'receptionist'],
      ['+865552', 'answered', 'receptionist'],
    ]);
  });

  it('a request with a bad body gets 400 naming the field, and the unit keeps serving', async () => {
    const bad = await u.post('/api/v1/sim/hook', { state: 'lifted' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'E_BAD_INPUT', field: 'body.state' });
    const garbage = await u.post('/api/v1/sim/button', '{"name":');
    expect(garbage.status).toBe(400);
    expect((await status()).sip.up).toBe(true);
  });

  it('baresip killed during a call: recorded as interrupted, restarted, and the next call goes through', async () => {
    const seq = await lastSeq();
    const call = startSippCall({ scenario: 'uac-talk', target, localPort: sippPort++, vars: { answer_ms: 10_000, talk_ms: 20_000 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    const pid = baresipPid(u.dataDir);
    expect(pid).not.toBeNull();
    process.kill(pid!, 'SIGKILL');
    const r = await nextRecord(seq);
    expect(r).toMatchObject({ outcome: 'interrupted', answeredBy: 'receptionist' });
    expect((await status()).lights.READY).not.toBe('on');
    call.kill();
    await waitFor('baresip restarted', async () => {
      const p = baresipPid(u.dataDir);
      return p !== null && p !== pid && (await status()).sip.up;
    }, 15_000);
    expect((await status()).lights.READY).toBe('on');
    const again = startSippCall({ scenario: 'uac-cancel', target, localPort: sippPort++, vars: { cancel_ms: 1200 } });
    expect((await again.done).code).toBe(0);
    expect(await nextRecord(r.seq)).toMatchObject({ outcome: 'missed' });
  });
});
