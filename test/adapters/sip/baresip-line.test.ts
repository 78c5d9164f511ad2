// Integration: the SipLine on a real baresip 1.0.0, called by real sipp scenarios (test/peers/sipp/).
// Ports: SIP 15060 (baresip), 15070-15079 (sipp); ctrl_tcp 14440.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BaresipLine } from '../../../src/adapters/sip/baresip-line.ts';
import { killAllSipp, startSippCall } from '../../peers/sipp.ts';
import type { LogEntry } from '../../support/memory-logger.ts';
import { startTestLine, type EventRecorder, type TestLine } from './sip-test-utils.ts';

const TARGET = '127.0.0.1:15060';
let line: BaresipLine;
let rec: EventRecorder;
let sippPort = 15070;
const logs: LogEntry[] = [];

function call(scenario: Parameters<typeof startSippCall>[0]['scenario'], vars: Record<string, string | number>) {
  const port = sippPort++;
  return startSippCall({ scenario, target: TARGET, localPort: port, mediaPort: 16000 + (port - 15070) * 10, vars });
}

let t: TestLine;

beforeAll(async () => {
  t = await startTestLine({ listenPort: 15060, ctrlPort: 14440, logs });
  ({ line, rec } = t);
});

afterEach(async () => {
  await killAllSipp();
});

afterAll(async () => {
  await t?.stop();
});

describe('BaresipLine with real baresip and sipp', () => {
  it('is up after start (direct IP mode)', () => {
    expect(rec.events[0]).toEqual({ type: 'sip.up' });
  });

  it('incoming call: number and name, answer -> established, caller BYE -> closed remote', async () => {
    const sipp = call('uac-talk', { caller: '+15551234', caller_name: 'Alice', answer_ms: 5000, talk_ms: 500 });
    const inc = await rec.next('call.incoming');
    expect(inc).toMatchObject({ number: '+15551234', displayName: 'Alice' });
    await line.answer(inc.callId);
    await expect(rec.next('call.established')).resolves.toEqual({ type: 'call.established', callId: inc.callId });
    await expect(rec.next('call.closed')).resolves.toEqual({ type: 'call.closed', callId: inc.callId, reason: 'remote' });
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  });

  it('caller without a display name gives displayName null', async () => {
    const sipp = call('uac-cancel', { caller: '2001', caller_name: '', cancel_ms: 300 });
    const inc = await rec.next('call.incoming');
    expect(inc).toMatchObject({ number: '2001', displayName: null });
    await rec.next('call.closed');
    expect((await sipp.done).code).toBe(0);
  });

  it('CANCEL while ringing -> call.closed remote', async () => {
    const sipp = call('uac-cancel', { cancel_ms: 500 });
    const inc = await rec.next('call.incoming');
    await expect(rec.next('call.closed')).resolves.toEqual({ type: 'call.closed', callId: inc.callId, reason: 'remote' });
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  });

  it('hangup by the unit: sipp gets BYE, call.closed local', async () => {
    const sipp = call('uac-wait-bye', {});
    const inc = await rec.next('call.incoming');
    await line.answer(inc.callId);
    await rec.next('call.established');
    await line.hangup(inc.callId);
    await expect(rec.next('call.closed')).resolves.toEqual({ type: 'call.closed', callId: inc.callId, reason: 'local' });
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  });

  it('hold and resume switch audio locally and send no re-INVITE (a SIP-held call gets no audio in baresip 1.0.0)', async () => {
    const sipp = call('uac-talk', { talk_ms: 3000, reinvites: 0 });
    const inc = await rec.next('call.incoming');
    await line.answer(inc.callId);
    await rec.next('call.established');
    await line.hold(inc.callId);
    await line.resume(inc.callId);
    await expect(rec.next('call.closed')).resolves.toMatchObject({ callId: inc.callId, reason: 'remote' });
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  });

  it('commands on an unknown call reject with SipError', async () => {
    await expect(line.answer('no-such-call')).rejects.toMatchObject({ code: 'E_SIP' });
  });

  it('second call answered while the first is up: commands act on the named call; baresip holds the first', async () => {
    // baresip 1.0.0 `accept` puts the other call on SIP hold first: the first caller must see 1 re-INVITE.
    const first = call('uac-talk', { caller: '1001', talk_ms: 4000, reinvites: 1 });
    const a = await rec.next('call.incoming', 10_000, (e) => e.number === '1001');
    await line.answer(a.callId);
    await rec.next('call.established', 10_000, (e) => e.callId === a.callId);
    const second = call('uac-wait-bye', { caller: '1002', answer_ms: 8000 });
    const b = await rec.next('call.incoming', 10_000, (e) => e.number === '1002');
    await line.answer(b.callId);
    await rec.next('call.established', 10_000, (e) => e.callId === b.callId);
    await line.hangup(b.callId);
    await expect(rec.next('call.closed', 10_000, (e) => e.callId === b.callId)).resolves.toMatchObject({ reason: 'local' });
    await expect(rec.next('call.closed', 10_000, (e) => e.callId === a.callId)).resolves.toMatchObject({ reason: 'remote' });
    const r2 = await second.done;
    expect(r2.code, r2.stderr).toBe(0);
    const r1 = await first.done;
    expect(r1.code, r1.stderr).toBe(0);
  });

  it('answers one of two ringing calls (the other is marked held first, as baresip 1.0.0 needs), then the other', async () => {
    const first = call('uac-talk', { caller: '3001', answer_ms: 15_000, talk_ms: 500 });
    const a = await rec.next('call.incoming', 10_000, (e) => e.number === '3001');
    const second = call('uac-talk', { caller: '3002', answer_ms: 10_000, talk_ms: 300 });
    const b = await rec.next('call.incoming', 10_000, (e) => e.number === '3002');
    await line.answer(b.callId);
    expect(rec.events).toContainEqual({ type: 'call.established', callId: b.callId });
    expect(rec.events).not.toContainEqual({ type: 'call.established', callId: a.callId });
    await expect(rec.next('call.closed', 10_000)).resolves.toEqual({ type: 'call.closed', callId: b.callId, reason: 'remote' });
    // The first caller rang on meanwhile; its mark is cleared and it is answered now.
    await line.answer(a.callId);
    await expect(rec.next('call.closed', 10_000)).resolves.toEqual({ type: 'call.closed', callId: a.callId, reason: 'remote' });
    const [r1, r2] = [await first.done, await second.done];
    expect(r2.code, r2.stderr).toBe(0);
    expect(r1.code, r1.stderr).toBe(0);
  });

  it('an answer that is never established rejects (the core then rings again)', async () => {
    // uac-cancel never ACKs a 200: it cancels; the answer must not hang or claim success.
    const sipp = call('uac-cancel', { caller: '3003', cancel_ms: 300 });
    const c = await rec.next('call.incoming', 10_000, (e) => e.number === '3003');
    await new Promise((r) => setTimeout(r, 600));
    await expect(line.answer(c.callId)).rejects.toMatchObject({ code: 'E_SIP' });
    await sipp.done;
  });

  it('baresip killed during a call: sip.down, call closed, restarted -> sip.up, next call works', async () => {
    const sipp = call('uac-talk', { talk_ms: 10_000 });
    const inc = await rec.next('call.incoming');
    await line.answer(inc.callId);
    await rec.next('call.established');
    const pid = (line as unknown as { proc: { pid: number } }).proc.pid;
    process.kill(pid, 'SIGKILL');
    await rec.next('sip.down');
    await expect(rec.next('call.closed')).resolves.toEqual({ type: 'call.closed', callId: inc.callId, reason: 'lost' });
    await rec.next('sip.up', 15_000);
    sipp.kill();

    const again = call('uac-talk', { caller: '+15559999', talk_ms: 300 });
    const inc2 = await rec.next('call.incoming');
    expect(inc2.number).toBe('+15559999');
    await line.answer(inc2.callId);
    await rec.next('call.established');
    await rec.next('call.closed');
    expect((await again.done).code).toBe(0);
  });
});
