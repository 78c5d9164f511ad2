/**
 * A call-back instead of a long hold (R4, issue 20 item 2) through the whole unit: real baresip 1.0.0, the LAN API,
 * sipp as the caller (uac-keys.xml) pressing keys as RFC 4733 telephone-events in RTP (the sip-tester package's
 * dtmf_2833_<key>.pcap) and by SIP INFO, and a UDP socket of the test as the caller's RTP address (what the unit
 * plays reaches it). The prompts are spoken by espeak-ng as on a fresh unit. Hold check-in 1 s, limit 1.5 s.
 * R9: voice messages on, so the offer also says "按 3 留言"; 3 leaves the desk a voice message (the caller's RTP then
 * is an RTP peer that sends a tone and # after the unit's tone).
 * Ports: SIP 37060, ctrl_tcp 37044, sipp callers 37100-37119, sipp media 37200-37399 (the RTP sockets: any free).
 */
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
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

interface Status {
  sip: { up: boolean };
  lights: Record<string, string>;
  call: null | { state: string };
}
type Call = CallRecord & { seq: number };
interface CallbackView { id: string; number: string; dueAt: string; scheduledFor: string; state: string }

const SIP = 37060;
let callerPort = 37100;
let media = 37200;
let u: TestUnit;
/** The call-back steps the core asked for, with when (performance.now()). */
const steps: { step: CallbackStep; at: number; withMessage: boolean }[] = [];
/** R9: the voice messages the core asked for (key 3). */
const messageAsked: string[] = [];

beforeAll(async () => {
  u = await bootUnit({
    sipPort: SIP,
    ctrlPort: 37044,
    callbackOffer: 'limit',
    voiceMessages: { enabled: true, instruction: '请留言', silenceMs: 4000 },
    rules: { holdCheckInMs: 1000, holdLimitMs: 1500, lengthWarnMs: 120_000, lengthLimitMs: 240_000 },
  });
  // Short texts, so the flows take less time (the default texts are tested in test/app/greetings).
  u.running.callbackPrompts.reconfigure(greetingsSchema.parse({ announcements: { callbackOffer: '按 1 回电，按 2 等待。', callbackOfferWithMessage: '按 1 回电，按 2 等待，按 3 留言。', callbackReadBack: '{number}，按 1 确认。', callbackGoodbye: '再见。' } }));
  u.running.unit.on('effect', (e: Effect) => {
    if (e.type === 'callback') steps.push({ step: e.step, at: performance.now(), withMessage: e.withMessage === true });
    if (e.type === 'voiceMessage') messageAsked.push(e.callId);
  });
  await waitFor('SIP up', async () => (await status()).sip.up, 20_000);
}, 60_000);
afterAll(async () => {
  await killAllSipp();
  await u?.stop();
});
afterEach(async () => {
  await killAllSipp();
  await u.post('/api/v1/sim/hook', { state: 'on' });
  await waitFor('line idle', async () => (await status()).call === null, 15_000);
  steps.length = 0;
  messageAsked.length = 0;
});

const status = () => u.get<Status>('/api/v1/status');
const calls = async () => (await u.get<{ calls: Call[] }>('/api/v1/calls')).calls;
const lastSeq = async () => (await calls())[0]?.seq ?? 0;
const recordAfter = (seq: number) => waitFor('the record', async () => (await calls()).find((c) => c.seq > seq), 15_000);
const stepSeen = (step: CallbackStep, timeoutMs: number) => waitFor(`call-back step ${step}`, async () => steps.find((s) => s.step === step), timeoutMs);

/** A caller (uac-keys) the desk answers and puts on hold at once. */
async function heldCaller(vars: Record<string, string | number>): Promise<SippCall> {
  // The key 4 s after the answer: the offer comes 1.5 s into the hold, which starts right after the answer.
  const caller = startSippCall({ scenario: 'uac-keys', target: `127.0.0.1:${SIP}`, localPort: callerPort++, mediaPort: (media += 10), vars });
  await waitFor('ringing', async () => (await status()).call?.state === 'ringing', 15_000).catch(async (err: Error) => {
    caller.kill();
    throw new Error(`${err.message}; sipp: ${(await caller.done).stderr.slice(-2000)}`);
  });
  await u.post('/api/v1/sim/hook', { state: 'off' });
  await waitFor('talking', async () => (await status()).call?.state === 'talking', 10_000);
  await u.post('/api/v1/sim/button', { name: 'hold' });
  await waitFor('held', async () => (await status()).call?.state === 'held', 5000);
  return caller;
}

describe('a call-back instead of a long hold (R4)', () => {
  it('held to the limit: 1 (RFC 4733) hears the number read back, 1 (SIP INFO) confirms: goodbye, the unit hangs up, a call-back with the number, outcome callback-requested', async () => {
    const seq = await lastSeq();
    const rtp = await startRtpSink();
    try {
      // The key 4 s after the answer: the offer comes 1.5 s into the hold, which starts right after the answer.
      const caller = await heldCaller({ caller: '+8613500002222', caller_name: 'Zhao', rtp_port: rtp.port, key: 1, key_ms: 4000, info_ms: 2500, expect_bye: 1 });
      const offer = await stepSeen('offer', 8000);
      const readBack = await stepSeen('read-back', 8000);
      expect(readBack.at).toBeGreaterThan(offer.at);
      const goodbye = await stepSeen('goodbye', 8000);
      // The read-back is heard: the unit's RTP keeps coming, with sound in it, until the goodbye.
      const heard = rtp.packets.filter((p) => p.at > readBack.at + 500 && p.at < goodbye.at);
      expect(heard.length).toBeGreaterThan(40);
      expect(Math.max(...heard.map((p) => p.level))).toBeGreaterThan(200);
      const result = await caller.done;
      expect(result.code, result.stderr.slice(-1500)).toBe(0);
      const record = await recordAfter(seq);
      expect(record).toMatchObject({ outcome: 'callback-requested', callerNumber: '+8613500002222', hungUpFirst: 'unit', answeredBy: 'receptionist' });
      expect(record.holds.length).toBe(1);
      const callbacks = (await u.get<{ callbacks: CallbackView[] }>('/api/v1/callbacks')).callbacks;
      const cb = callbacks.find((c) => c.id === record.id);
      // Due from the call's end, at the next allowed time when that falls in quiet hours (R10).
      const quiet = new QuietHours(u.config.records, u.config.timeZone);
      expect(cb).toMatchObject({ number: '+8613500002222', dueAt: record.endedAt, scheduledFor: new Date(quiet.nextAllowed(Date.parse(record.endedAt))).toISOString() });
      // Offered at the limit, and again at each check-in past it until the key (check-ins every second here).
      expect(steps.map((s) => s.step).filter((s) => s !== 'offer')).toEqual(['read-back', 'goodbye']);
    } finally {
      await rtp.close();
    }
  }, 60_000);

  it('held to the limit: 2 keeps them holding (hold audio, HOLD lit, no goodbye); they hang up later: abandoned', async () => {
    const seq = await lastSeq();
    const rtp = await startRtpSink();
    try {
      const caller = await heldCaller({ caller: '+8613500003333', caller_name: 'Sun', rtp_port: rtp.port, key: 2, key_ms: 4000, expect_bye: 0, hangup_ms: 1500 });
      await stepSeen('offer', 8000);
      const kept = await stepSeen('keep-holding', 8000);
      const s = await status();
      expect(s.call?.state).toBe('held');
      expect(s.lights.HOLD).not.toBe('off');
      const result = await caller.done;
      expect(result.code, result.stderr.slice(-1500)).toBe(0);
      expect(rtp.packets.filter((p) => p.at > kept.at + 300).length).toBeGreaterThan(40);
      expect(await recordAfter(seq)).toMatchObject({ outcome: 'abandoned', callerNumber: '+8613500003333', hungUpFirst: 'caller' });
      expect(steps.map((x) => x.step)).not.toContain('goodbye');
    } finally {
      await rtp.close();
    }
  }, 60_000);

  it('R9: held to the limit, the offer says 3; 3 (RFC 4733) leaves the desk a voice message after the instruction and the tone: a slip with its audio, outcome message', async () => {
    const seq = await lastSeq();
    const peer = await startRtpPeer(0, 0);
    try {
      // sipp presses no key itself (key 0): the caller's RTP peer presses 3, then sends the message and # in its stream.
      const caller = await heldCaller({ caller: '+8613500004444', caller_name: 'Qian', rtp_port: peer.port, key: 0, key_ms: 0, info_ms: 0, expect_bye: 1 });
      const offer = await stepSeen('offer', 8000);
      expect(offer.withMessage).toBe(true);
      const from = peer.received().length;
      peer.pressKey('3');
      await waitFor('key 3', async () => messageAsked.length > 0, 5000);
      await speakToneMessage(peer, from);
      // # ends the message and the unit hangs up (the caller's scenario waits for that BYE).
      const result = await caller.done;
      expect(result.code, result.stderr.slice(-1500)).toBe(0);
      const slip = await waitFor('the slip', async () => (await u.get<{ messages: MessageSlip[] }>('/api/v1/messages')).messages.find((m) => m.callbackNumber === '+8613500004444'), 10_000);
      expect(slip).toMatchObject({ to: '前台', from: 'Qian', takenBy: 'unit' });
      expect(slip.audio?.ms).toBeGreaterThan(2700);
      expect(slip.audio?.ms).toBeLessThan(4000);
      expect(await recordAfter(seq)).toMatchObject({ outcome: 'message', callerNumber: '+8613500004444', hungUpFirst: 'unit', answeredBy: 'receptionist', message: slip.id });
      // The audio is the caller's 700 Hz tone (3 s: 30 windows of 100 ms), not the unit's own 1 kHz tone.
      const wav = Buffer.from(await (await fetch(`${u.running.url}/api/v1/messages/${slip.id}/audio`)).arrayBuffer());
      const windows = toneWindows(wav, [700, 1000, 440]);
      expect(windows.filter((hz) => hz === 700).length).toBeGreaterThanOrEqual(26);
      expect(windows).not.toContain(1000);
      // No call-back step after the key: no goodbye, no read-back.
      expect(steps.map((x) => x.step).filter((x) => x !== 'offer')).toEqual([]);
    } finally {
      await peer.close();
    }
  }, 60_000);
});
