/**
 * R6 end to end (issue 7 item 5): two calls ring at once (line 1, and line 2 as a PBX hunt group would send the
 * second); the first is taken from the (simulated) handset, the second is answered with "please hold" after the
 * ring budget and taken from the handset once the first ends; a third call gets 486. Every call has its record.
 * Ports: SIP 25760, ctrl_tcp 25144, sipp 25770-25779, RTP 25800-25899.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/record.ts';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

interface Status {
  sip: { up: boolean };
  lights: Record<string, string>;
  waitingCalls: number;
  call: null | { state: string; callerNumber: string | null };
}
type Call = CallRecord & { seq: number };

let u: TestUnit;
let sippPort = 25770;

beforeAll(async () => {
  u = await bootUnit({ sipPort: 25760, ctrlPort: 25144 });
  await waitFor('SIP up', async () => (await u.get<Status>('/api/v1/status')).sip.up);
}, 30_000);
afterAll(async () => {
  await killAllSipp();
  await u?.stop();
});

const status = () => u.get<Status>('/api/v1/status');
const calls = async () => (await u.get<{ calls: Call[] }>('/api/v1/calls')).calls;

function call(service: string, caller: string, scenario: 'uac-wait-bye' | 'uac-busy' = 'uac-wait-bye') {
  const port = sippPort++;
  return startSippCall({ scenario, target: '127.0.0.1:25760', service, localPort: port, mediaPort: 25800 + (port - 25770) * 10, vars: scenario === 'uac-busy' ? { caller } : { caller, answer_ms: 20_000 } });
}

describe('two lines (R6) through the whole unit', () => {
  it('first caller first, the second queued with "please hold", a third busy; three records', async () => {
    const first = call('reception', '+8613800000001');
    await waitFor('first ringing', async () => (await status()).call?.state === 'ringing');
    const second = call('reception-2', '+8613800000002');
    await waitFor('LINE2 blinks', async () => (await status()).lights.LINE2 === 'blink');
    // Both ring; the handset takes the first caller.
    await u.post('/api/v1/sim/hook', { state: 'off' });
    const s1 = await waitFor('first talking', async () => {
      const s = await status();
      return s.call?.state === 'talking' ? s : undefined;
    });
    expect(s1.call?.callerNumber).toBe('+8613800000001');
    // A third caller while both lines are taken: 486.
    const third = call('reception-2', '+8613800000003', 'uac-busy');
    const busy = await third.done;
    expect(busy.code, busy.stderr).toBe(0);
    // The second is answered with "please hold" after the ring budget (3 rings of 1 s here) and waits.
    await waitFor('second queued', async () => (await calls()).length >= 1 && (await status()).waitingCalls === 1, 10_000);
    await new Promise((r) => setTimeout(r, 3500));
    // The first call ends at the desk; the second is offered: ring bar, then the handset takes it.
    await u.post('/api/v1/sim/hook', { state: 'on' });
    const offered = await waitFor('second offered', async () => {
      const s = await status();
      return s.call?.callerNumber === '+8613800000002' ? s : undefined;
    });
    expect(offered.call?.state).toBe('greeting');
    expect(offered.lights).toMatchObject({ RING1: 'on', RING2: 'on', RING3: 'on' });
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('second talking', async () => (await status()).call?.state === 'talking');
    await u.post('/api/v1/sim/hook', { state: 'on' });
    for (const sipp of [first, second]) {
      const res = await sipp.done;
      expect(res.code, res.stderr).toBe(0);
    }
    const records = await waitFor('three records', async () => {
      const all = await calls();
      return all.length >= 3 ? all : undefined;
    });
    const byNumber = (n: string) => records.find((r) => r.callerNumber === n);
    expect(byNumber('+8613800000001')).toMatchObject({ line: 1, outcome: 'answered', answeredBy: 'receptionist' });
    expect(byNumber('+8613800000002')).toMatchObject({ line: 2, outcome: 'answered', answeredBy: 'auto-greeting', greetingPlayed: true, late: true });
    expect(byNumber('+8613800000002')?.holds.length).toBe(1);
    expect(byNumber('+8613800000003')).toMatchObject({ line: 2, outcome: 'busy', hungUpFirst: 'unit' });
  });
});
