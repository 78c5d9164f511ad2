// Integration: what "SIP down" means on a real baresip 1.0.0 (issue: the call path never strands or loses a
// call). A dropped control link is not the end of the calls; a hung baresip (SIGSTOP) is found by the liveness
// probe, killed and restarted, and its calls close as lost.
// Ports: SIP 15160 (baresip), 15170-15189 (sipp); ctrl_tcp 14540.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BaresipLine } from '../../../src/adapters/sip/baresip-line.ts';
import { killAllSipp, startSippCall } from '../../peers/sipp.ts';
import type { LogEntry } from '../../support/memory-logger.ts';
import { startTestLine, type EventRecorder, type TestLine } from './sip-test-utils.ts';

const TARGET = '127.0.0.1:15160';
const CTRL_PORT = 14540;
let line: BaresipLine;
let rec: EventRecorder;
let sippPort = 15170;
const logs: LogEntry[] = [];

function call(scenario: Parameters<typeof startSippCall>[0]['scenario'], vars: Record<string, string | number>) {
  const port = sippPort++;
  return startSippCall({ scenario, target: TARGET, localPort: port, mediaPort: 17000 + (port - 15170) * 10, vars });
}

/** ctrl_tcp serves one client: each connection made here pushes the line's own link off. */
function stealLink(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: CTRL_PORT }, () => resolve(s));
    s.on('error', reject);
  });
}

/** Keep the line's link off for `ms` by taking the control port again every 50 ms. */
async function holdLinkOff(ms: number): Promise<void> {
  const end = performance.now() + ms;
  const sockets: net.Socket[] = [];
  while (performance.now() < end) {
    sockets.push(await stealLink());
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const s of sockets) s.destroy();
}

const pid = () => (line as unknown as { proc: { pid: number | undefined } }).proc.pid;

let t: TestLine;

beforeAll(async () => {
  t = await startTestLine({ listenPort: 15160, ctrlPort: CTRL_PORT, logs });
  ({ line, rec } = t);
});

afterEach(async () => {
  await killAllSipp();
});

afterAll(async () => {
  await t?.stop();
});

describe('SIP down is not the end of a call (real baresip)', () => {
  it('a dropped control link leaves the call up; a hang-up asked meanwhile is sent once the link is back', async () => {
    const sipp = call('uac-wait-bye', { caller: '4001', caller_name: 'Li', answer_ms: 10_000 });
    const inc = await rec.next('call.incoming');
    await line.answer(inc.callId);
    const before = pid();
    const thief = await stealLink();
    await rec.next('sip.down');
    // The handset goes down while the unit cannot talk to baresip.
    await line.hangup(inc.callId);
    expect(logs.some((l) => l.level === 'warn' && l.msg === 'control link down: hang-up deferred until it is back')).toBe(true);
    thief.destroy();
    await rec.next('sip.up', 10_000);
    await expect(rec.next('call.closed', 10_000)).resolves.toEqual({ type: 'call.closed', callId: inc.callId, reason: 'local' });
    const res = await sipp.done;
    // uac-wait-bye passes only if the unit sent BYE: the deferred hang-up reached the caller.
    expect(res.code, res.stderr).toBe(0);
    expect(pid()).toBe(before);
    expect(rec.events.filter((e) => e.type === 'call.closed' && e.callId === inc.callId)).toHaveLength(1);
  });

  it('a call that ended while the link was away is closed once, as lost; a call still up goes on', async () => {
    // The short caller hangs up 900 ms after its answer: inside the 2 s the link is kept away. (Answering the
    // long call puts the short one on SIP hold first: uac-talk answers that re-INVITE.)
    const short = call('uac-talk', { caller: '4002', answer_ms: 10_000, talk_ms: 900 });
    const a = await rec.next('call.incoming', 10_000, (e) => e.number === '4002');
    await line.answer(a.callId);
    const long = call('uac-wait-bye', { caller: '4003', answer_ms: 10_000 });
    const b = await rec.next('call.incoming', 10_000, (e) => e.number === '4003');
    await line.answer(b.callId);
    await holdLinkOff(2000);
    // The short caller hung up while the events could not reach the unit.
    expect((await short.done).code).toBe(0);
    await rec.next('sip.up', 10_000);
    await expect(rec.next('call.closed', 10_000)).resolves.toEqual({ type: 'call.closed', callId: a.callId, reason: 'lost' });
    await line.hangup(b.callId);
    await expect(rec.next('call.closed', 10_000)).resolves.toEqual({ type: 'call.closed', callId: b.callId, reason: 'local' });
    const longRes = await long.done;
    expect(longRes.code, longRes.stderr).toBe(0);
    expect(rec.events.filter((e) => e.type === 'call.closed' && e.callId === a.callId)).toHaveLength(1);
  });

  it('a hung baresip (SIGSTOP) is found by the liveness probe within 5 s, killed, restarted; its call closes as lost', async () => {
    const sipp = call('uac-talk', { caller: '4004', answer_ms: 10_000, talk_ms: 30_000 });
    const inc = await rec.next('call.incoming');
    await line.answer(inc.callId);
    const hung = pid() as number;
    process.kill(hung, 'SIGSTOP');
    const down = await rec.next('sip.down', 5000);
    expect(down.reason).toMatch(/hung/);
    await expect(rec.next('call.closed', 5000)).resolves.toEqual({ type: 'call.closed', callId: inc.callId, reason: 'lost' });
    await rec.next('sip.up', 15_000);
    expect(pid()).not.toBe(hung);
    // The stopped process is gone, not left behind.
    expect(() => process.kill(hung, 0)).toThrow();
    sipp.kill();
    const again = call('uac-talk', { caller: '4005', answer_ms: 10_000, talk_ms: 200 });
    const next = await rec.next('call.incoming', 10_000, (e) => e.number === '4005');
    await line.answer(next.callId);
    await rec.next('call.closed', 10_000);
    expect((await again.done).code).toBe(0);
  });
});
