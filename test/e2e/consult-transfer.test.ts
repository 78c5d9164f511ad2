/**
 * Consult transfers through the whole unit (R13, issue 19 items 1-2): real baresip, the LAN API, sipp as the caller
 * (uac-talk: it must be the one to hang up, so any BYE from the unit fails it) and as the colleague
 * (uas-colleague.xml: busy, never answering, or answering and pressing 1 by SIP INFO). The whisper is spoken by
 * espeak-ng as on a fresh unit.
 * Ports: SIP 36060, ctrl_tcp 36044 (the unit stopped during a bridge: SIP 36070, ctrl 36054), sipp callers
 * 36100-36119, colleagues 36130-36149, sipp media 36200-36399.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/record.ts';
import { killAllSipp, startSippCall, startSippColleague, type SippCall } from '../peers/sipp.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

interface Status {
  sip: { up: boolean };
  lights: Record<string, string>;
  call: null | { state: string; transfer: { target: string; result: string; reason: string | null } | null; consult: { phase: string } | null };
  bridges: { target: string; durationMs: number }[];
}
type Call = CallRecord & { seq: number };

const SIP = 36060;
let callerPort = 36100;
let media = 36200;
let u: TestUnit;

beforeAll(async () => {
  u = await bootUnit({
    sipPort: SIP,
    ctrlPort: 36044,
    // Hold check-ins far away: the caller hears hold audio, and R4 does not interfere with the flows.
    rules: { holdCheckInMs: 60_000, holdLimitMs: 120_000, lengthWarnMs: 120_000, lengthLimitMs: 240_000 },
    sip: { transferTimeoutMs: 4000, transfer: { method: 'consult', announce: 'unit' } },
    directory: [
      { name: '财务室', uri: 'sip:finance@127.0.0.1:36130' },
      { name: '王经理', uri: 'sip:wang@127.0.0.1:36131' },
      { name: '前台二', uri: 'sip:desk2@127.0.0.1:36132' },
    ],
  });
  await waitFor('SIP up', async () => (await status()).sip.up, 20_000);
}, 60_000);
afterAll(async () => {
  await killAllSipp();
  await u?.stop();
});
afterEach(async () => {
  await killAllSipp();
  if ((await status()).call) await u.post('/api/v1/sim/hook', { state: 'off' });
  await u.post('/api/v1/sim/hook', { state: 'on' });
  await waitFor('line idle', async () => (await status()).call === null && (await status()).bridges.length === 0, 15_000);
});

const status = () => u.get<Status>('/api/v1/status');
const calls = async () => (await u.get<{ calls: Call[] }>('/api/v1/calls')).calls;
const lastSeq = async () => (await calls())[0]?.seq ?? 0;
const recordsAfter = (seq: number, n: number) => waitFor(`${n} records`, async () => {
  const found = (await calls()).filter((c) => c.seq > seq);
  return found.length >= n ? found : undefined;
}, 20_000);

async function colleague(port: number, opts: Omit<Parameters<typeof startSippColleague>[0], 'localPort' | 'mediaPort' | 'rtpPort'>): Promise<SippCall> {
  return await startSippColleague({ localPort: port, mediaPort: (media += 4), rtpPort: (media += 4), ...opts });
}

/** A caller (uac-talk) who talks `talkMs` and then hangs up; answered at the desk. */
async function callerTalking(talkMs: number): Promise<SippCall> {
  const caller = startSippCall({ scenario: 'uac-talk', target: `127.0.0.1:${SIP}`, localPort: callerPort++, mediaPort: (media += 4),
    vars: { caller: '+8613500001111', caller_name: 'Li', answer_ms: 20_000, talk_ms: talkMs } });
  await waitFor('ringing', async () => (await status()).call?.state === 'ringing', 15_000).catch(async (err: Error) => {
    caller.kill();
    throw new Error(`${err.message}; sipp: ${(await caller.done).stderr.slice(-2000)}`);
  });
  await u.post('/api/v1/sim/hook', { state: 'off' });
  await waitFor('talking', async () => (await status()).call?.state === 'talking', 10_000);
  return caller;
}

describe('consult transfer through the unit (R13)', () => {
  it('the colleague is busy (486): the caller stays held with HOLD lit and the reason; take back; the caller hangs up first (no BYE from the unit)', async () => {
    const seq = await lastSeq();
    const busy = await colleague(36130, { answerCode: 486, ringMs: 300 });
    const caller = await callerTalking(9000);
    const res = await u.post('/api/v1/calls/current/transfer', { to: '财务室' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await waitFor('back on hold', async () => (await status()).call?.transfer?.reason === 'busy', 10_000);
    const s = await status();
    expect(s.call).toMatchObject({ state: 'held', transfer: { target: '财务室', result: 'failed', reason: 'busy' } });
    expect(s.lights.HOLD).not.toBe('off');
    expect((await busy.done).code).toBe(0);
    // Take the caller back (the HOLD button resumes).
    await u.post('/api/v1/sim/button', { name: 'hold' });
    await waitFor('talking again', async () => (await status()).call?.state === 'talking', 5000);
    const result = await caller.done;
    expect(result.code, result.stderr.slice(-1500)).toBe(0);
    const [callerRecord, leg] = await (async () => {
      const found = await recordsAfter(seq, 2);
      return [found.find((c) => c.direction === 'incoming'), found.find((c) => c.direction === 'outgoing')];
    })();
    expect(callerRecord).toMatchObject({ outcome: 'answered', hungUpFirst: 'caller', transferTarget: '财务室', transferResult: 'failed', bridgedMs: null });
    expect(leg).toMatchObject({ outcome: 'missed', callerName: '财务室', consultFor: callerRecord?.id, transferResult: 'failed' });
  }, 60_000);

  it('nobody answers within sip.transferTimeoutMs: the leg is cancelled and the caller stays held (no-answer); another colleague can be tried at once', async () => {
    const silent = await colleague(36131, { answerCode: 0 });
    const caller = await callerTalking(14_000);
    await u.post('/api/v1/calls/current/transfer', { to: '王经理', announce: 'receptionist' });
    await waitFor('ringing at the colleague', async () => (await status()).call?.consult?.phase === 'ringing', 5000);
    await waitFor('no answer', async () => (await status()).call?.transfer?.reason === 'no-answer', 10_000);
    expect((await status()).call?.state).toBe('held');
    expect((await silent.done).code).toBe(0);
    // Try another colleague, who is busy too: still held, never dropped.
    const busy = await colleague(36132, { answerCode: 603 });
    const again = await u.post('/api/v1/calls/current/transfer', { to: '前台二' });
    expect(again.status).toBe(202);
    await waitFor('declined', async () => (await status()).call?.transfer?.reason === 'declined', 10_000);
    expect((await busy.done).code).toBe(0);
    const result = await caller.done;
    expect(result.code, result.stderr.slice(-1500)).toBe(0);
  }, 60_000);

  it('announced by the unit, the colleague presses 1: caller and colleague are joined, the desk is free, the bridge is listed; the colleague hangs up and the caller gets the BYE; both records', async () => {
    const seq = await lastSeq();
    const joined = await colleague(36130, { answerCode: 200, ringMs: 300, info: { digit: '1', ms: 2500 }, byeMs: 5000 });
    const caller = startSippCall({ scenario: 'uac-wait-bye', target: `127.0.0.1:${SIP}`, localPort: callerPort++, mediaPort: (media += 4),
      vars: { caller: '+8613500002222', caller_name: 'Zhao', answer_ms: 20_000 } });
    await waitFor('ringing', async () => (await status()).call?.state === 'ringing', 15_000);
    await u.post('/api/v1/sim/hook', { state: 'off' });
    await waitFor('talking', async () => (await status()).call?.state === 'talking', 10_000);
    await u.post('/api/v1/calls/current/transfer', { to: '财务室' });
    await waitFor('bridged', async () => (await status()).bridges.length === 1, 15_000);
    const s = await status();
    expect(s.bridges[0]).toMatchObject({ target: '财务室' });
    expect(s.call).toBeNull();
    expect(s.lights.HOLD).toBe('off');
    expect((await joined.done).code).toBe(0);
    const result = await caller.done;
    expect(result.code, result.stderr.slice(-1500)).toBe(0);
    const found = await recordsAfter(seq, 2);
    const callerRecord = found.find((c) => c.direction === 'incoming');
    const leg = found.find((c) => c.direction === 'outgoing');
    expect(callerRecord).toMatchObject({ outcome: 'transferred', transferTarget: '财务室', transferResult: 'succeeded' });
    expect(callerRecord?.bridgedMs).toBeGreaterThan(1000);
    expect(leg).toMatchObject({ outcome: 'transferred', consultFor: callerRecord?.id, bridgedMs: callerRecord?.bridgedMs });
  }, 60_000);

  it('announced by the unit, the colleague presses 2: the consult call ends, the caller stays held (declined: take a message)', async () => {
    const declines = await colleague(36131, { answerCode: 200, ringMs: 300, info: { digit: '2', ms: 2500 } });
    const caller = await callerTalking(14_000);
    await u.post('/api/v1/calls/current/transfer', { to: '王经理' });
    await waitFor('answered', async () => (await status()).call?.consult?.phase === 'answered', 10_000);
    await waitFor('declined', async () => (await status()).call?.transfer?.reason === 'declined', 10_000);
    const s = await status();
    expect(s.call?.state).toBe('held');
    expect(s.lights.HOLD).not.toBe('off');
    expect(s.bridges).toEqual([]);
    // The unit hung the colleague up (their scenario waits for the unit's BYE); the caller hangs up first.
    expect((await declines.done).code).toBe(0);
    const result = await caller.done;
    expect(result.code, result.stderr.slice(-1500)).toBe(0);
  }, 60_000);

  it('attended: the receptionist talks to the colleague, then "connect" joins them; the caller hangs up and the colleague gets the BYE', async () => {
    const seq = await lastSeq();
    const answers = await colleague(36132, { answerCode: 200, ringMs: 300 });
    const caller = await callerTalking(7000);
    await u.post('/api/v1/calls/current/transfer', { to: '前台二', announce: 'receptionist' });
    await waitFor('answered', async () => (await status()).call?.consult?.phase === 'answered', 10_000);
    const connect = await u.post('/api/v1/calls/current/transfer/connect', {});
    expect(connect.status, JSON.stringify(connect.body)).toBe(202);
    await waitFor('bridged', async () => (await status()).bridges.length === 1, 10_000);
    expect((await caller.done).code).toBe(0);
    expect((await answers.done).code).toBe(0);
    const found = await recordsAfter(seq, 2);
    expect(found.find((c) => c.direction === 'incoming')).toMatchObject({ outcome: 'transferred', transferTarget: '前台二', hungUpFirst: null });
    expect(found.find((c) => c.direction === 'outgoing')?.talkMs).toBeGreaterThan(0);
  }, 60_000);
});

describe('the unit stopped during a bridge (R13)', () => {
  it('writes both records interrupted', async () => {
    const other = await bootUnit({
      sipPort: 36070, ctrlPort: 36054,
      rules: { holdCheckInMs: 60_000, holdLimitMs: 120_000, lengthWarnMs: 120_000, lengthLimitMs: 240_000 },
      sip: { transferTimeoutMs: 4000 },
      directory: [{ name: '财务室', uri: 'sip:finance@127.0.0.1:36133' }],
    });
    try {
      await waitFor('SIP up', async () => (await other.get<Status>('/api/v1/status')).sip.up, 20_000);
      await colleague(36133, { answerCode: 200, ringMs: 300, info: { digit: '1', ms: 2500 } });
      startSippCall({ scenario: 'uac-talk', target: '127.0.0.1:36070', localPort: callerPort++, mediaPort: (media += 4),
        vars: { caller: '+8613500003333', caller_name: 'Sun', answer_ms: 20_000, talk_ms: 60_000 } });
      await waitFor('ringing', async () => (await other.get<Status>('/api/v1/status')).call?.state === 'ringing', 15_000);
      await other.post('/api/v1/sim/hook', { state: 'off' });
      await waitFor('talking', async () => (await other.get<Status>('/api/v1/status')).call?.state === 'talking', 10_000);
      await other.post('/api/v1/calls/current/transfer', { to: '财务室' });
      await waitFor('bridged', async () => (await other.get<Status>('/api/v1/status')).bridges.length === 1, 15_000);
      // Stopped as SIGTERM stops it (the service's stop), then its journal is read from disk.
      await other.running.stop();
    } catch (err) {
      await other.stop();
      throw err;
    }
    const dir = join(other.dataDir, 'journal');
    const records = readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { record?: CallRecord }).record)
      .filter((r): r is CallRecord => r !== undefined);
    rmSync(other.dataDir, { recursive: true, force: true });
    expect(records.map((r) => [r.direction, r.outcome, r.transferTarget])).toEqual(
      expect.arrayContaining([['incoming', 'interrupted', '财务室'], ['outgoing', 'interrupted', '财务室']]),
    );
    expect(records).toHaveLength(2);
    for (const r of records) expect(r.bridgedMs).toBeGreaterThanOrEqual(0);
  }, 60_000);
});
