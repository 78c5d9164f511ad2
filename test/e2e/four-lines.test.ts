/**
 * N lines end to end (issue 19 item 3) with sip.lines 4: three calls up at once (line 1 held at the desk, lines 2
 * and 3 answered with "please hold"), a fourth call on line 4 still rings and is answered there; a fifth finds
 * no free line and gets 486 with a `busy` record. The status lists every line. Real baresip (four accounts),
 * sipp callers dialling each line's account as a PBX hunt group would.
 * Ports: SIP 25260, ctrl_tcp 25244, sipp 25270-25279, sipp media 25280-25359.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/record.ts';
import type { LineStatus } from '../../src/core/status.ts';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

interface Status {
  sip: { up: boolean };
  lights: Record<string, string>;
  waitingCalls: number;
  lines: LineStatus[];
  call: null | { state: string; callerNumber: string | null; line: number };
}

let u: TestUnit;
let sippPort = 25270;

beforeAll(async () => {
  u = await bootUnit({ sipPort: 25260, ctrlPort: 25244, sip: { lines: 4 } });
  await waitFor('SIP up', async () => (await u.get<Status>('/api/v1/status')).sip.up);
}, 30_000);
afterAll(async () => {
  await killAllSipp();
  await u?.stop();
});

const status = () => u.get<Status>('/api/v1/status');
const uses = async () => (await status()).lines.map((l) => l.use);

function call(service: string, caller: string, scenario: 'uac-wait-bye' | 'uac-busy' = 'uac-wait-bye') {
  const port = sippPort++;
  return startSippCall({ scenario, target: '127.0.0.1:25260', service, localPort: port, mediaPort: 25280 + (port - 25270) * 10, vars: scenario === 'uac-busy' ? { caller } : { caller, answer_ms: 20_000 } });
}

describe('four lines through the whole unit (sip.lines 4)', () => {
  it('three calls held up at once on lines 1-3, a call on line 4 still rings and is answered, a fifth gets 486 busy', async () => {
    expect(await uses()).toEqual(['free', 'free', 'free', 'free']);
    call('reception', '+8613800000001');
    await waitFor('line 1 ringing', async () => (await status()).call?.state === 'ringing');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('line 1 talking', async () => (await status()).call?.state === 'talking');
    await u.post('/api/v1/sim/button', { name: 'hold' });
    await waitFor('line 1 held', async () => (await status()).call?.state === 'held');
    call('reception-2', '+8613800000002');
    call('reception-3', '+8613800000003');
    // Past the ring budget (3 rings of 1 s): both answered with "please hold".
    await waitFor('lines 2 and 3 queued', async () => (await uses()).join() === 'desk,queued,queued,free', 10_000);
    call('reception-4', '+8613800000004');
    const ringing = await waitFor('line 4 ringing', async () => {
      const s = await status();
      return s.lines[3]?.use === 'ringing' ? s : undefined;
    });
    expect(ringing.waitingCalls).toBe(3);
    expect(ringing.lights.LINE2).toBe('blink');
    await waitFor('line 4 answered', async () => (await uses()).join() === 'desk,queued,queued,queued', 10_000);
    // No line left: the fifth caller is turned away busy (uac-busy passes only on a 486).
    const fifth = call('reception', '+8613800000005', 'uac-busy');
    const busy = await fifth.done;
    expect(busy.code, busy.stderr).toBe(0);
    const record = await waitFor('busy record', async () => {
      const calls = (await u.get<{ calls: CallRecord[] }>('/api/v1/calls')).calls;
      return calls.find((c) => c.callerNumber === '+8613800000005');
    });
    expect(record).toMatchObject({ outcome: 'busy', hungUpFirst: 'unit', line: 1 });
    // The four calls are still up.
    expect(await uses()).toEqual(['desk', 'queued', 'queued', 'queued']);
    expect((await status()).call).toMatchObject({ state: 'held', callerNumber: '+8613800000001', line: 1 });
  }, 60_000);
});
