// Integration (issue 7 items 6 and 7): outbound calls and announced blind transfers on a real baresip 1.0.0.
// sipp plays the callee of a placed call (uas-callee.xml), the transferee (uac-refer.xml: it takes the REFER,
// follows it with a second leg to the Refer-To target, uac-follow.xml, and NOTIFYs the outcome) and the colleague. The announcement is a 1200 Hz tone heard by the caller (RTP peer) before the
// REFER leaves; hold audio (600 Hz) follows.
// Ports: SIP 15360, ctrl_tcp 14740, sipp 15370-15377, transferee's second leg 15378, callee sipp 15380-15389, RTP 16400-16499, RTP peer 15395.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BaresipLine } from '../../../src/adapters/sip/baresip-line.ts';
import { SipError, SipTimeoutError } from '../../../src/core/errors.ts';
import { startRtpPeer, type RtpPeer } from '../../peers/rtp-peer.ts';
import { killAllSipp, startSippCall, startSippCallee } from '../../peers/sipp.ts';
import { toneFile } from '../../support/tone-file.ts';
import { dominantTone } from '../../support/tone.ts';
import type { LogEntry } from '../../support/memory-logger.ts';
import { startTestLine, type EventRecorder, type TestLine } from './sip-test-utils.ts';

let t: TestLine;
let line: BaresipLine;
let rec: EventRecorder;
let peer: RtpPeer;
let callerPort = 15370;
let calleePort = 15380;
let announcement: { path: string; durationMs: number };
const logs: LogEntry[] = [];


/** A caller that will be transferred, its media on the RTP peer. */
function transferee(vars: Record<string, string | number>) {
  const port = callerPort++;
  return startSippCall({ scenario: 'uac-refer', target: '127.0.0.1:15360', localPort: port, mediaPort: 16400 + (port - 15370) * 10, vars: { rtp_port: peer.port, ...vars } });
}

async function callee(opts: { answerCode?: 200 | 486; ringMs?: number; neverAnswer?: boolean } = {}) {
  const port = calleePort++;
  return { port, sipp: await startSippCallee({ localPort: port, mediaPort: 16450 + (port - 15380) * 10, ...opts }) };
}

beforeAll(async () => {
  t = await startTestLine({
    listenPort: 15360,
    ctrlPort: 14740,
    sip: { transferTimeoutMs: 2000, answerTimeoutMs: 2000 },
    logs,
    prepare: (dir) => {
      const music = { path: toneFile(`${dir}/hold.wav`, 600, 2), durationMs: 2000 };
      announcement = { path: toneFile(`${dir}/transferring.wav`, 1200, 1), durationMs: 1000 };
      return { holdMusic: async () => music, holdAnnouncement: async () => music, greetingFor: async () => music };
    },
  });
  ({ line, rec } = t);
  peer = await startRtpPeer(15395, 440);
});

afterEach(async () => {
  await killAllSipp();
});

afterAll(async () => {
  await t?.stop();
  await peer?.close();
});

async function answeredTransferee(vars: Record<string, string | number>) {
  const sipp = transferee(vars);
  const inc = await rec.next('call.incoming');
  await line.answer(inc.callId);
  return { sipp, callId: inc.callId };
}

describe('outbound calls (real baresip, sipp callee)', () => {
  it('dial names the call (call.outgoing), it is established when answered, and hangs up cleanly', async () => {
    const { port, sipp } = await callee({ ringMs: 400 });
    const callId = await line.dial(`sip:wang@127.0.0.1:${port}`);
    expect(await rec.next('call.outgoing')).toEqual({ type: 'call.outgoing', callId, number: null, displayName: null });
    await expect(rec.next('call.established')).resolves.toEqual({ type: 'call.established', callId });
    await line.hangup(callId);
    await expect(rec.next('call.closed')).resolves.toEqual({ type: 'call.closed', callId, reason: 'local' });
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  });

  it('a dial nobody answers in time (only 100 Trying) fails and is hung up: the callee gets CANCEL, baresip keeps no call (issue 17)', async () => {
    const { port, sipp } = await callee({ neverAnswer: true });
    const uri = `sip:nobody@127.0.0.1:${port}`;
    const mark = rec.events.length;
    await expect(line.dial(uri)).rejects.toThrow(SipTimeoutError);
    // Before the fix the call rang on inside baresip until sipp gave up waiting for a CANCEL (exit code 1).
    const res = await sipp.done;
    expect(res.code, res.stdout.slice(-2000) + res.stderr).toBe(0);
    for (let i = 0; i < 50 && (await line.listCalls()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await line.listCalls()).toEqual([]);
    expect(logs.some((l) => /^unanswered dial/.test(l.msg ?? ''))).toBe(true);
    // The given-up call never became a call of the unit's.
    expect(rec.events.slice(mark).filter((e) => e.type === 'call.outgoing')).toEqual([]);
  });

  it('a refused call is named, then closes as a failure; the next dial works', async () => {
    const busy = await callee({ answerCode: 486, ringMs: 100 });
    const callId = await line.dial(`sip:busy@127.0.0.1:${busy.port}`);
    await expect(rec.next('call.outgoing')).resolves.toMatchObject({ callId, number: null });
    await expect(rec.next('call.closed')).resolves.toEqual({ type: 'call.closed', callId, reason: 'error' });
    expect((await busy.sipp.done).code).toBe(0);
    const ok = await callee({ ringMs: 100 });
    const next = await line.dial(`sip:li@127.0.0.1:${ok.port}`);
    expect(next).not.toBe(callId);
    await rec.next('call.established', 10_000, (e) => e.callId === next);
    await line.hangup(next);
    expect((await ok.sipp.done).code).toBe(0);
  });

  it('dialling while a dial is still unanswered is refused at once', async () => {
    const slow = await callee({ ringMs: 1500 });
    const first = line.dial(`sip:slow@127.0.0.1:${slow.port}`);
    await expect(line.dial('sip:other@127.0.0.1:15389')).rejects.toThrow(SipError);
    const callId = await first;
    await rec.next('call.established', 10_000, (e) => e.callId === callId);
    await line.hangup(callId);
    expect((await slow.sipp.done).code).toBe(0);
  });
});

describe('announced blind transfer (R13; real baresip, sipp transferee)', () => {
  it('the caller hears the announcement before the REFER, follows it to the colleague; a 2xx NOTIFY closes the call as transferred', async () => {
    // The colleague (a second sipp) takes the call the transferee places to the Refer-To target.
    const colleague = await startSippCallee({ localPort: 15389, mediaPort: 16490, ringMs: 200 });
    const { sipp, callId } = await answeredTransferee({ final_code: 200, final_reason: 'OK', notify_ms: 1500, follow_port: 15378, follow_media: 16480 });
    const mark = peer.received().length;
    await line.transfer(callId, { uri: 'sip:wang@127.0.0.1:15389', announcement });
    await expect(rec.next('call.closed', 10_000, (e) => e.callId === callId)).resolves.toMatchObject({ reason: 'transferred' });
    const heard = peer.received().slice(mark);
    // The first ~0.8 s after the switch is the announcement (1200 Hz); hold audio (600 Hz) follows while the
    // transferee reports progress.
    expect(dominantTone(heard.slice(800, 6400), [600, 1200, 440], 5)).toBe(1200);
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
    const took = await colleague.done;
    expect(took.code, took.stderr).toBe(0);
  });

  // baresip 1.0.0 destroys a call whose transfer failed (REFER refused, or a failed NOTIFY): the caller is cut
  // off. The line must not keep a phantom call: it closes it as lost (recorded as interrupted).
  it('a refused REFER rejects with the reason; the call baresip dropped closes as lost', async () => {
    const { sipp, callId } = await answeredTransferee({ refer_code: 603 });
    await expect(line.transfer(callId, { uri: 'sip:wang@127.0.0.1:15389', announcement: null })).rejects.toThrow(/603/);
    await expect(rec.next('call.closed', 10_000, (e) => e.callId === callId)).resolves.toMatchObject({ reason: 'lost' });
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  });

  it('a busy target (failed NOTIFY) rejects with its status; the dropped call closes as lost', async () => {
    const colleague = await startSippCallee({ localPort: 15389, mediaPort: 16490, answerCode: 486, ringMs: 100 });
    const { sipp, callId } = await answeredTransferee({ final_code: 486, final_reason: 'Busy Here', notify_ms: 1000, follow_port: 15378, follow_media: 16480 });
    await expect(line.transfer(callId, { uri: 'sip:wang@127.0.0.1:15389', announcement: null })).rejects.toThrow(/486/);
    await expect(rec.next('call.closed', 10_000, (e) => e.callId === callId)).resolves.toMatchObject({ reason: 'lost' });
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
    expect((await colleague.done).code).toBe(0);
  });

  it('a target that never answers times out (sip.transferTimeoutMs) and the call stays up', async () => {
    const { sipp, callId } = await answeredTransferee({ final_code: 0 });
    await expect(line.transfer(callId, { uri: 'sip:wang@127.0.0.1:15389', announcement: null })).rejects.toThrow(SipTimeoutError);
    // Still up, and on hold audio (600 Hz) rather than cut off.
    const mark = peer.received().length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(dominantTone(peer.received().slice(mark), [600, 1200, 440], 5)).toBe(600);
    await line.hangup(callId);
    await expect(rec.next('call.closed', 10_000, (e) => e.callId === callId)).resolves.toMatchObject({ reason: 'local' });
    const res = await sipp.done;
    expect(res.code, res.stdout.slice(-3000) + res.stderr).toBe(0);
  });
});
