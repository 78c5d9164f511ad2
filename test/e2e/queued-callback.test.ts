/**
 * R4 for a caller queued on LINE 2 (issue 20 item 2, R6) through the whole unit: real baresip 1.0.0, the LAN API,
 * sipp as both callers. The desk talks to a first caller on line 1 (uac-wait-bye); a second caller rings line 2
 * (uac-keys, request URI reception-2), is answered with "please hold" after the ring budget and waits on hold
 * audio. From there they get the check-ins and the call-back offer as the desk's own waiting caller would: keys as
 * RFC 4733 telephone-events in RTP (the sip-tester package's dtmf_2833_1.pcap) and by SIP INFO; a UDP socket of the
 * test is the caller's RTP address (what the unit plays them reaches it). Prompts told apart by tone: "please hold"
 * 500 Hz, the check-in thanks 1200 Hz, hold audio 440 Hz; the offer, read-back and goodbye are espeak-ng's.
 * R9: voice messages on, so the offer also says "按 3 留言"; 3 leaves the desk a voice message from line 2 (the caller's
 * RTP is then an RTP peer that presses 3 and sends a tone and # after the unit's tone).
 * Rules: ring cycle 1 s (queued about 3 s after ringing), check-in 1.5 s, hold limit 3.5 s (prompts last 1 s).
 * Ports: SIP 32560, ctrl_tcp 32544, first callers 32570-32579 (media 32600-32699), queued callers 32580-32599
 * (media 32700-32899), the RTP sockets any free.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QuietHours } from '../../src/app/records/quiet-hours.ts';
import { greetingsSchema } from '../../src/config/greetings-schema.ts';
import type { CallbackStep, Effect } from '../../src/core/effects.ts';
import type { CallRecord } from '../../src/core/record.ts';
import type { MessageSlip } from '../../src/app/records/records-book.ts';
import { startRtpPeer } from '../peers/rtp-peer.ts';
import { killAllSipp, startSippCall, type SippCall } from '../peers/sipp.ts';
import { startRtpSink } from '../peers/rtp-sink.ts';
import { speakToneMessage, toneWindows } from '../support/tone-message.ts';
import { toneFile } from '../support/tone-file.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

interface Status {
  sip: { up: boolean };
  waitingCalls: number;
  waiting: { line: number; queued: boolean; callback: string | null }[];
  call: null | { state: string; callerNumber: string | null; line: number };
}
type Call = CallRecord & { seq: number };
interface CallbackView { id: string; number: string; dueAt: string; scheduledFor: string; state: string }

const SIP = 32560;
const HOLD_MUSIC_HZ = 440;
const PLEASE_HOLD_HZ = 500;
const THANKS_HZ = 1200;
let firstPort = 32570;
let queuedPort = 32580;
let firstMedia = 32600;
let queuedMedia = 32700;
let u: TestUnit;
/** What the core asked the line to play, per call, with when (performance.now()). */
const heard: { callId: string; what: CallbackStep | 'hold-thanks'; at: number; withMessage?: boolean }[] = [];
/** R9: the voice messages the core asked for (key 3). */
const messageAsked: string[] = [];
/** The calls answered with "please hold" (R6), in order. */
const queuedIds: string[] = [];

beforeAll(async () => {
  u = await bootUnit({
    sipPort: SIP,
    ctrlPort: 32544,
    callbackOffer: 'limit',
    voiceMessages: { enabled: true, instruction: '请留言', silenceMs: 4000 },
    rules: { holdCheckInMs: 1500, holdLimitMs: 3500, lengthWarnMs: 120_000, lengthLimitMs: 240_000 },
  });
  await waitFor('SIP up', async () => (await status()).sip.up, 20_000);
  u.running.callbackPrompts.reconfigure(greetingsSchema.parse({ announcements: { callbackOffer: '按 1 回电，按 2 等待。', callbackOfferWithMessage: '按 1 回电，按 2 等待，按 3 留言。', callbackReadBack: '{number}，按 1 确认。', callbackGoodbye: '再见。' } }));
  await u.running.greetings.importFile(toneFile(join(u.dataDir, 'please-hold.wav'), PLEASE_HOLD_HZ, 1), 'please-hold');
  await u.running.greetings.importFile(toneFile(join(u.dataDir, 'thanks.wav'), THANKS_HZ, 1), 'hold-thanks');
  await u.running.greetings.importFile(toneFile(join(u.dataDir, 'music.wav'), HOLD_MUSIC_HZ, 5), 'hold-music');
  u.running.unit.on('effect', (e: Effect) => {
    if (e.type === 'callback') heard.push({ callId: e.callId, what: e.step, at: performance.now(), withMessage: e.withMessage === true });
    if (e.type === 'voiceMessage') messageAsked.push(e.callId);
    if (e.type === 'announce') heard.push({ callId: e.callId, what: e.what, at: performance.now() });
    if (e.type === 'sip' && e.command === 'queue') queuedIds.push(e.callId);
  });
}, 60_000);
afterAll(async () => {
  await killAllSipp();
  await u?.stop();
});
afterEach(async () => {
  await killAllSipp();
  await u.post('/api/v1/sim/hook', { state: 'on' });
  await waitFor('lines idle', async () => {
    const s = await status();
    return s.call === null && s.waitingCalls === 0;
  }, 15_000);
  heard.length = 0;
  queuedIds.length = 0;
  messageAsked.length = 0;
});

const status = () => u.get<Status>('/api/v1/status');
const calls = async () => (await u.get<{ calls: Call[] }>('/api/v1/calls')).calls;
const lastSeq = async () => (await calls())[0]?.seq ?? 0;
const recordOf = (seq: number, number: string) => waitFor(`the record of ${number}`, async () => (await calls()).find((c) => c.seq > seq && c.callerNumber === number), 15_000);
const seen = (callId: string, what: CallbackStep | 'hold-thanks', timeoutMs: number) =>
  waitFor(`${what} for ${callId}`, async () => heard.find((h) => h.callId === callId && h.what === what), timeoutMs);

/** A first caller on line 1, taken from the handset: the desk is busy talking to them. */
async function deskTalking(number: string): Promise<SippCall> {
  const port = firstPort++;
  const first = startSippCall({ scenario: 'uac-wait-bye', target: `127.0.0.1:${SIP}`, service: 'reception', localPort: port, mediaPort: (firstMedia += 10), vars: { caller: number, answer_ms: 20_000 } });
  await waitFor('first ringing', async () => (await status()).call?.state === 'ringing', 15_000).catch(async (err: Error) => {
    first.kill();
    throw new Error(`${err.message}; sipp: ${(await first.done).stderr.slice(-2000)}`);
  });
  await u.post('/api/v1/sim/hook', { state: 'off' });
  await waitFor('first talking', async () => (await status()).call?.state === 'talking', 10_000);
  return first;
}

/** A second caller on line 2 (uac-keys), answered with "please hold" after the ring budget; its Call-ID. */
async function queuedCaller(vars: Record<string, string | number>): Promise<{ caller: SippCall; callId: string }> {
  const caller = startSippCall({ scenario: 'uac-keys', target: `127.0.0.1:${SIP}`, service: 'reception-2', localPort: queuedPort++, mediaPort: (queuedMedia += 10), vars });
  const callId = await waitFor('the second caller queued', async () => queuedIds[0], 15_000).catch(async (err: Error) => {
    caller.kill();
    throw new Error(`${err.message}; sipp: ${(await caller.done).stderr.slice(-2000)}`);
  });
  await waitFor('queued on line 2', async () => (await status()).waiting.some((w) => w.line === 2 && w.queued), 10_000);
  return { caller, callId };
}

describe('a caller queued on LINE 2 gets the check-ins and the call-back offer (R4, R6)', () => {
  it('the desk busy on line 1: the queued caller is offered a call-back, presses 1 (RFC 4733), hears their number read back, confirms with 1 (SIP INFO): goodbye, the unit hangs up, a call-back with their number, outcome callback-requested', async () => {
    const seq = await lastSeq();
    const rtp = await startRtpSink([HOLD_MUSIC_HZ, PLEASE_HOLD_HZ, THANKS_HZ]);
    try {
      const first = await deskTalking('+8613600000001');
      // The key 5.5 s after the answer: the offer comes 3.5 s into the wait (again at 4.5 s), which starts at the
      // "please hold" answer.
      const { caller, callId } = await queuedCaller({ caller: '+8613600002222', caller_name: 'Li', rtp_port: rtp.port, key: 1, key_ms: 5500, info_ms: 2500, expect_bye: 1 });
      const offer = await seen(callId, 'offer', 8000);
      expect((await status()).waiting[0]?.callback).toBe('offered');
      const readBack = await seen(callId, 'read-back', 8000);
      expect(readBack.at).toBeGreaterThan(offer.at);
      const goodbye = await seen(callId, 'goodbye', 8000);
      // The read-back is heard on line 2: the unit's RTP keeps coming, with sound in it, until the goodbye.
      const during = rtp.packets.filter((p) => p.at > readBack.at + 500 && p.at < goodbye.at);
      expect(during.length).toBeGreaterThan(40);
      expect(Math.max(...during.map((p) => p.level))).toBeGreaterThan(200);
      const result = await caller.done;
      expect(result.code, result.stderr.slice(-1500)).toBe(0);
      const record = await recordOf(seq, '+8613600002222');
      expect(record).toMatchObject({ line: 2, outcome: 'callback-requested', hungUpFirst: 'unit', answeredBy: 'auto-greeting' });
      const cb = (await u.get<{ callbacks: CallbackView[] }>('/api/v1/callbacks')).callbacks.find((c) => c.id === record.id);
      const quiet = new QuietHours(u.config.records, u.config.timeZone);
      expect(cb).toMatchObject({ number: '+8613600002222', dueAt: record.endedAt, scheduledFor: new Date(quiet.nextAllowed(Date.parse(record.endedAt))).toISOString() });
      // The desk's own call on line 1 went on all along, and was never offered anything.
      expect((await status()).call).toMatchObject({ state: 'talking', callerNumber: '+8613600000001', line: 1 });
      expect(heard.filter((h) => h.callId !== callId)).toEqual([]);
      expect(heard.filter((h) => h.what !== 'offer' && h.what !== 'hold-thanks').map((h) => h.what)).toEqual(['read-back', 'goodbye']);
      await u.post('/api/v1/sim/hook', { state: 'on' });
      const ended = await first.done;
      expect(ended.code, ended.stderr.slice(-1500)).toBe(0);
      expect(await recordOf(seq, '+8613600000001')).toMatchObject({ line: 1, outcome: 'answered' });
    } finally {
      await rtp.close();
    }
  }, 60_000);

  it('a queued caller who presses nothing hears the check-in thanks (its own tone, between hold audio) and then the offer; hanging up: abandoned', async () => {
    const seq = await lastSeq();
    const rtp = await startRtpSink([HOLD_MUSIC_HZ, PLEASE_HOLD_HZ, THANKS_HZ]);
    try {
      await deskTalking('+8613600000003');
      const { caller, callId } = await queuedCaller({ caller: '+8613600004444', caller_name: 'Wu', rtp_port: rtp.port, key: 0, key_ms: 0, info_ms: 0, expect_bye: 0, hangup_ms: 5000 });
      const thanks = await seen(callId, 'hold-thanks', 5000);
      const offer = await seen(callId, 'offer', 5000);
      // The thanks reach the caller on line 2: the 1200 Hz prompt between the check-in and the offer, hold audio around it.
      const between = rtp.packets.filter((p) => p.at > thanks.at && p.at < offer.at);
      expect(between.filter((p) => p.hz === THANKS_HZ).length).toBeGreaterThan(15);
      expect(rtp.packets.filter((p) => p.at < thanks.at && p.hz === HOLD_MUSIC_HZ).length).toBeGreaterThan(5);
      const result = await caller.done;
      expect(result.code, result.stderr.slice(-1500)).toBe(0);
      expect(await recordOf(seq, '+8613600004444')).toMatchObject({ line: 2, outcome: 'abandoned', hungUpFirst: 'caller' });
      expect((await status()).call).toMatchObject({ state: 'talking', callerNumber: '+8613600000003' });
    } finally {
      await rtp.close();
    }
  }, 60_000);

  it('R9: the offer says 3; the queued caller presses 3 (RFC 4733) and leaves the desk a voice message from line 2: a slip with its audio, outcome message', async () => {
    const seq = await lastSeq();
    const peer = await startRtpPeer(0, 0);
    try {
      await deskTalking('+8613600000005');
      // sipp presses no key itself (key 0): the caller's RTP peer presses 3, then sends the message and # in its stream.
      const { caller, callId } = await queuedCaller({ caller: '+8613600006666', caller_name: 'Zheng', rtp_port: peer.port, key: 0, key_ms: 0, info_ms: 0, expect_bye: 1 });
      const offer = await seen(callId, 'offer', 8000);
      expect(offer.withMessage).toBe(true);
      const from = peer.received().length;
      peer.pressKey('3');
      await waitFor('key 3', async () => messageAsked.includes(callId), 5000);
      await speakToneMessage(peer, from);
      const result = await caller.done;
      expect(result.code, result.stderr.slice(-1500)).toBe(0);
      const slip = await waitFor('the slip', async () => (await u.get<{ messages: MessageSlip[] }>('/api/v1/messages')).messages.find((m) => m.callbackNumber === '+8613600006666'), 10_000);
      expect(slip).toMatchObject({ to: '前台', from: 'Zheng', takenBy: 'unit' });
      expect(slip.audio?.ms).toBeGreaterThan(2700);
      expect(slip.audio?.ms).toBeLessThan(4000);
      expect(await recordOf(seq, '+8613600006666')).toMatchObject({ line: 2, outcome: 'message', hungUpFirst: 'unit', message: slip.id });
      // The audio is this caller's 700 Hz tone (3 s: 30 windows of 100 ms), from line 2's tap.
      const wav = Buffer.from(await (await fetch(`${u.running.url}/api/v1/messages/${slip.id}/audio`)).arrayBuffer());
      const windows = toneWindows(wav, [700, 1000, HOLD_MUSIC_HZ]);
      expect(windows.filter((hz) => hz === 700).length).toBeGreaterThanOrEqual(26);
      // No check-in or offer talked over the message, and the desk's call went on.
      expect(heard.filter((h) => h.callId === callId && h.at > offer.at).map((h) => h.what)).toEqual([]);
      expect((await status()).call).toMatchObject({ state: 'talking', callerNumber: '+8613600000005' });
    } finally {
      await peer.close();
    }
  }, 60_000);

  it('the desk frees while the queued caller hears the offer: offered to the desk, the offer goes on there; 1 (RFC 4733) and 1 (SIP INFO): goodbye, callback-requested', async () => {
    const seq = await lastSeq();
    const rtp = await startRtpSink([HOLD_MUSIC_HZ, PLEASE_HOLD_HZ, THANKS_HZ]);
    try {
      const first = await deskTalking('+8613600000007');
      // The key 6.5 s into the wait: after the desk has put the first caller down (right after the offer at 3.5 s).
      const { caller, callId } = await queuedCaller({ caller: '+8613600008888', caller_name: 'Feng', rtp_port: rtp.port, key: 1, key_ms: 6500, info_ms: 2500, expect_bye: 1 });
      await seen(callId, 'offer', 8000);
      await u.post('/api/v1/sim/hook', { state: 'on' });
      expect((await first.done).code).toBe(0);
      const taken = await waitFor('the queued caller offered to the desk', async () => {
        const st = await status();
        return st.call?.callerNumber === '+8613600008888' ? st : undefined;
      }, 5000);
      expect(taken.call).toMatchObject({ state: 'greeting', line: 2 });
      const readBack = await seen(callId, 'read-back', 10_000);
      const goodbye = await seen(callId, 'goodbye', 8000);
      const during = rtp.packets.filter((p) => p.at > readBack.at + 500 && p.at < goodbye.at);
      expect(during.length).toBeGreaterThan(40);
      expect(Math.max(...during.map((p) => p.level))).toBeGreaterThan(200);
      const result = await caller.done;
      expect(result.code, result.stderr.slice(-1500)).toBe(0);
      expect(await recordOf(seq, '+8613600008888')).toMatchObject({ line: 2, outcome: 'callback-requested', hungUpFirst: 'unit', answeredBy: 'auto-greeting' });
      expect(heard.filter((h) => h.what === 'read-back' || h.what === 'goodbye').map((h) => h.what)).toEqual(['read-back', 'goodbye']);
    } finally {
      await rtp.close();
    }
  }, 60_000);
});
