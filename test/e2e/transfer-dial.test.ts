/**
 * Calls placed and transferred through the LAN API, end to end (issue 7 items 6 and 7, SPEC R13): the real unit
 * with baresip; sipp as the colleague who takes a placed call (uas-callee.xml) and as the caller who is
 * transferred (uac-refer.xml takes the REFER, follows it to the colleague with a second leg, and NOTIFYs the outcome). The transfer announcement is made by
 * espeak-ng from the colleague's name, as on a fresh unit.
 * Ports: SIP 25660, ctrl_tcp 25044, sipp callers 25670-25678 (25679: a transferee's second leg), sipp callees 25680-25689, RTP 25700-25799.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/record.ts';
import { killAllSipp, startSippCall, startSippCallee } from '../peers/sipp.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

interface Status {
  sip: { up: boolean };
  lights: Record<string, string>;
  call: null | { state: string; callerNumber: string | null };
}
type Call = CallRecord & { seq: number };

let u: TestUnit;
let callerPort = 25670;
const COLLEAGUE_PORT = 25680;
const target = '127.0.0.1:25660';

beforeAll(async () => {
  u = await bootUnit({
    sipPort: 25660,
    ctrlPort: 25044,
    // The blind transfer (REFER) these flows exercise; consult transfers are test/e2e/consult-transfer.test.ts.
    sip: { transferTimeoutMs: 2500, transfer: { method: 'refer' } },
    directory: [
      { name: '王经理', department: '销售部', uri: `sip:wang@127.0.0.1:${COLLEAGUE_PORT}` },
      { name: 'Front office', uri: 'sip:office@127.0.0.1:25689' },
    ],
  });
  await waitFor('SIP up', async () => (await u.get<Status>('/api/v1/status')).sip.up);
}, 30_000);
afterAll(async () => {
  await killAllSipp();
  await u?.stop();
});
afterEach(async () => {
  await killAllSipp();
  if ((await status()).call) await u.post('/api/v1/sim/hook', { state: 'off' });
  await u.post('/api/v1/sim/hook', { state: 'on' });
  await waitFor('line idle', async () => (await status()).call === null);
});

const status = () => u.get<Status>('/api/v1/status');
const calls = async () => (await u.get<{ calls: Call[] }>('/api/v1/calls')).calls;
const lastSeq = async () => (await calls())[0]?.seq ?? 0;
const nextRecord = (after: number) => waitFor('call record', async () => (await calls()).find((c) => c.seq > after), 15_000);

function transferee(vars: Record<string, string | number>) {
  const port = callerPort++;
  return startSippCall({ scenario: 'uac-refer', target, localPort: port, mediaPort: 25700 + (port - 25670) * 10, vars: { answer_ms: 10_000, ...vars } });
}

async function takeCall(vars: Record<string, string | number>) {
  const sipp = transferee(vars);
  await waitFor('ringing', async () => (await status()).call?.state === 'ringing');
  await u.post('/api/v1/sim/hook', { state: 'off' });
  await waitFor('talking', async () => (await status()).call?.state === 'talking');
  return sipp;
}

describe('directory and placed calls', () => {
  it('GET /api/v1/directory lists the colleagues from the config', async () => {
    const dir = await u.get<{ items: unknown[] }>('/api/v1/directory');
    expect(dir.items).toEqual([
      { name: '王经理', department: '销售部', uri: 'sip:wang@127.0.0.1:25680', away: null },
      { name: 'Front office', uri: 'sip:office@127.0.0.1:25689', away: null },
    ]);
  });

  it('POST /api/v1/calls calls a colleague by name; the record is outgoing, with its own id', async () => {
    const before = await lastSeq();
    const colleague = await startSippCallee({ localPort: COLLEAGUE_PORT, mediaPort: 25790, ringMs: 300 });
    const res = await u.post('/api/v1/calls', { to: '王经理' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ callId: expect.any(String), recordId: expect.any(String), to: { label: '王经理', uri: 'sip:wang@127.0.0.1:25680' } });
    await waitFor('talking', async () => (await status()).call?.state === 'talking');
    // The line is in use: another call cannot be placed.
    const busy = await u.post('/api/v1/calls', { to: 'sip:office@127.0.0.1:25689' });
    expect(busy.status).toBe(409);
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await u.post('/api/v1/sim/hook', { state: 'on' });
    const record = await nextRecord(before);
    // The colleague's address has a name, not a number: the number field holds only dialable numbers (issue 17).
    expect(record).toMatchObject({ id: res.body.recordId, direction: 'outgoing', callerNumber: null, outcome: 'answered', rings: 0, hungUpFirst: 'receptionist' });
    expect((await colleague.done).code).toBe(0);
  });

  it('a caller who puts an address in From gets no number on record and no call-back to dial (issue 17)', async () => {
    const before = await lastSeq();
    // The user part is the address sip:office@127.0.0.1:25689, percent-encoded: once a "number", call-back dialled it.
    const port = callerPort++;
    const caller = startSippCall({ scenario: 'uac-cancel', target, localPort: port, mediaPort: 25700 + (port - 25670) * 10, vars: { caller: 'sip%3Aoffice%40127.0.0.1%3A25689', caller_name: 'Bank', cancel_ms: 300 } });
    expect((await caller.done).code).toBe(0);
    const record = await nextRecord(before);
    expect(record).toMatchObject({ direction: 'incoming', callerNumber: null, callerName: 'Bank', outcome: 'missed' });
    const { callbacks } = await u.get<{ callbacks: { id: string }[] }>('/api/v1/callbacks');
    // A call with no number is no call-back (one stored before the fix is refused: test/http/callback-dial.test.ts).
    expect(callbacks.map((c) => c.id)).not.toContain(record.id);
  });

  it('a target that is neither a colleague, a SIP URI nor a number is a 400 naming body.to', async () => {
    const res = await u.post('/api/v1/calls', { to: 'somebody unknown' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'E_BAD_INPUT', field: 'body.to' } });
    // A number needs a registrar, which this unit (direct IP mode) has not: its own code, said in words.
    const number = await u.post('/api/v1/calls', { to: '8001' });
    expect(number.status).toBe(422);
    expect(number.body).toMatchObject({ error: { code: 'E_NOT_DIALABLE', field: 'body.to' } });
    expect(String((number.body.error as { message: string }).message)).toMatch(/registrar/);
  });
});

describe('announced transfer (R13)', () => {
  it('no call on the line: 409', async () => {
    const res = await u.post('/api/v1/calls/current/transfer', { to: '王经理' });
    expect(res.status).toBe(409);
  });

  it('a transfer that works: the record says transferred, to whom, and that it succeeded', async () => {
    const before = await lastSeq();
    // The caller follows the REFER to 王经理's phone (a second sipp), which answers.
    const colleague = await startSippCallee({ localPort: COLLEAGUE_PORT, mediaPort: 25790, ringMs: 200 });
    const sipp = await takeCall({ final_code: 200, final_reason: 'OK', notify_ms: 1500, follow_port: 25679, follow_media: 25780 });
    const res = await u.post('/api/v1/calls/current/transfer', { to: '王经理' });
    expect(res.status).toBe(202);
    // The receptionist puts the handset down at once, as after any blind transfer: the caller is not cut off.
    await u.post('/api/v1/sim/hook', { state: 'on' });
    const record = await nextRecord(before);
    expect(record).toMatchObject({ outcome: 'transferred', transferTarget: '王经理', transferResult: 'succeeded', hungUpFirst: null });
    const done = await sipp.done;
    expect(done.code, done.stderr).toBe(0);
    const took = await colleague.done;
    expect(took.code, took.stderr).toBe(0);
  });

  it('a transfer nobody takes brings the caller back on hold with HOLD lit; lifting the handset takes them back', async () => {
    const before = await lastSeq();
    const sipp = await takeCall({ final_code: 0 });
    expect((await u.post('/api/v1/calls/current/transfer', { to: 'Front office' })).status).toBe(202);
    await u.post('/api/v1/sim/hook', { state: 'on' });
    await waitFor('transferring', async () => (await status()).call?.state === 'transferring');
    const back = await waitFor('back on hold', async () => {
      const s = await status();
      return s.call?.state === 'held' ? s : undefined;
    }, 15_000);
    expect(back.lights.HOLD).not.toBe('off');
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking again', async () => (await status()).call?.state === 'talking');
    await u.post('/api/v1/sim/hook', { state: 'on' });
    const record = await nextRecord(before);
    expect(record).toMatchObject({ outcome: 'answered', transferTarget: 'Front office', transferResult: 'failed', hungUpFirst: 'receptionist' });
    expect(record.holds.length).toBe(1);
    const done = await sipp.done;
    expect(done.code, done.stderr).toBe(0);
  });
});
