// Integration (issue 19 items 1-2, R13): consult transfer and the bridge on a real baresip 1.0.0. sipp plays the
// caller (uac-talk / uac-wait-bye, media on an RTP peer sending 440 Hz) and the colleague (uas-colleague.xml,
// media on a second RTP peer sending 300 Hz, with RFC 4733 keys). The handset is the ALSA FIFO rig (microphone
// 1000 Hz, earpiece recorded). Prompts: announcement 1200 Hz (1 s), hold audio 600 Hz, whisper 900 Hz (1 s).
// "No BYE to the caller" is proven by the caller's sipp: uac-talk hangs up itself and fails on any BYE it gets.
// Ports (33000-33499): SIP 33060, ctrl_tcp 33044, callers 33100-33129 (media 33200+), colleagues 33130-33159
// (media 33300+), RTP peers 33400 (caller) and 33410 (colleague).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SipError } from '../../../src/core/errors.ts';
import type { BaresipLine } from '../../../src/adapters/sip/baresip-line.ts';
import type { ConsultRequest, PromptFile } from '../../../src/ports/sip-line.ts';
import { startFifoHandset, type FifoHandset } from '../../peers/alsa/handset.ts';
import { startRtpPeer, type RtpPeer } from '../../peers/rtp-peer.ts';
import { killAllSipp, startSippCall, startSippColleague, type SippColleagueOptions } from '../../peers/sipp.ts';
import { toneFile } from '../../support/tone-file.ts';
import { dominantTone, tonePower } from '../../support/tone.ts';
import { startTestLine, type EventRecorder, type TestLine } from './sip-test-utils.ts';
import type { LogEntry } from '../../support/memory-logger.ts';

const logs: LogEntry[] = [];

const MIC_HZ = 1000;
const CALLER_HZ = 440;
const COLLEAGUE_HZ = 300;
const HOLD_HZ = 600;
const ANNOUNCE_HZ = 1200;
const WHISPER_HZ = 900;
const TONES = [MIC_HZ, CALLER_HZ, COLLEAGUE_HZ, HOLD_HZ, ANNOUNCE_HZ, WHISPER_HZ];
const TRANSFER_TIMEOUT_MS = 3000;

let handset: FifoHandset;
let t: TestLine;
let line: BaresipLine;
let rec: EventRecorder;
let callerPeer: RtpPeer;
let colleaguePeer: RtpPeer;
let announcement: PromptFile;
let whisper: PromptFile;
let callerPort = 33100;
let colleaguePort = 33130;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  handset = await startFifoHandset(MIC_HZ);
  t = await startTestLine({
    listenPort: 33060,
    ctrlPort: 33044,
    logs,
    sip: { transferTimeoutMs: TRANSFER_TIMEOUT_MS, answerTimeoutMs: 5000 },
    audio: { source: 'alsa,handset', player: 'alsa,handset', alert: 'aubridge,alert' },
    env: { ALSA_CONFIG_PATH: `/usr/share/alsa/alsa.conf:${handset.asoundrc}` },
    prepare: (dir) => {
      const music = { path: toneFile(`${dir}/hold.wav`, HOLD_HZ, 2), durationMs: 2000 };
      announcement = { path: toneFile(`${dir}/transferring.wav`, ANNOUNCE_HZ, 1), durationMs: 1000 };
      whisper = { path: toneFile(`${dir}/whisper.wav`, WHISPER_HZ, 1), durationMs: 1000 };
      return { holdMusic: async () => music, holdAnnouncement: async () => music, greetingFor: async () => music };
    },
  });
  ({ line, rec } = t);
  callerPeer = await startRtpPeer(33400, CALLER_HZ);
  colleaguePeer = await startRtpPeer(33410, COLLEAGUE_HZ);
});

afterEach(async () => {
  // A failed test must not leave a call or a consult call behind (the next test needs the free line).
  const ended = new Set(rec.events.flatMap((e) => (e.type === 'consult.ended' ? [e.legId] : e.type === 'call.closed' ? [e.callId] : [])));
  for (const e of rec.events) {
    if (e.type === 'consult.ringing' && !ended.has(e.legId)) await line.endConsult(e.callId, e.legId).catch(() => undefined);
    if (e.type === 'call.incoming' && !ended.has(e.callId)) await line.hangup(e.callId).catch(() => undefined);
  }
  await killAllSipp();
});

afterAll(async () => {
  await t?.stop();
  await callerPeer?.close();
  await colleaguePeer?.close();
  await handset?.stop();
});

/** A caller answered from the handset: uac-talk hangs up itself after `talkMs` (and fails on a BYE from the unit). */
async function answeredCaller(scenario: 'uac-talk' | 'uac-wait-bye', talkMs = 10_000) {
  const port = callerPort++;
  const sipp = startSippCall({
    scenario,
    target: '127.0.0.1:33060',
    localPort: port,
    mediaPort: 33200 + (port - 33100) * 10,
    vars: { caller: '+8613800000001', answer_ms: 10_000, rtp_port: callerPeer.port, ...(scenario === 'uac-talk' ? { talk_ms: talkMs } : {}) },
  });
  const inc = await rec.next('call.incoming');
  await line.answer(inc.callId);
  return { sipp, callId: inc.callId };
}

async function colleague(opts: Omit<SippColleagueOptions, 'localPort' | 'mediaPort' | 'rtpPort'>) {
  const port = colleaguePort++;
  const sipp = await startSippColleague({ localPort: port, mediaPort: 33300 + (port - 33130) * 10, rtpPort: colleaguePeer.port, ...opts });
  return { sipp, uri: `sip:wang@127.0.0.1:${port}` };
}

function request(uri: string, announce: ConsultRequest['announce']): ConsultRequest {
  return { uri, announcement, announce, whisper: announce === 'unit' ? whisper : null };
}

/** Samples received by `peer` over the next `ms`. */
async function hear(peer: RtpPeer, ms: number): Promise<number[]> {
  const mark = peer.received().length;
  await sleep(ms);
  return peer.received().slice(mark);
}

/** The start of the first 200 ms window (on a 100 ms grid, from `from`) where `hz` dominates, or -1. */
function windowWith(samples: ArrayLike<number>, hz: number, from = 0): number {
  const all = Array.from(samples);
  for (let i = Math.max(0, from); i + 1600 <= all.length; i += 800) if (dominantTone(all.slice(i, i + 1600), TONES, 5) === hz) return i;
  return -1;
}

/** The caller is on hold audio: over the next 1.2 s, the last 0.5 s is the hold tone. */
async function expectHoldAudio(): Promise<void> {
  const heard = await hear(callerPeer, 1200);
  expect(heard.length).toBeGreaterThan(4000);
  expect(dominantTone(heard.slice(-4000), TONES, 5)).toBe(HOLD_HZ);
}

/** Waits until a 200 ms window of the earpiece after sample `from` carries `hz` above the other tones. */
async function earTone(from: number, hz: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ear = handset.earSamples();
    for (let i = from; i + 1600 <= ear.length; i += 800) if (dominantTone(Array.from(ear.slice(i, i + 1600)), TONES, 5) === hz) return;
    if (Date.now() > until) throw new Error(`no ${hz} Hz in the earpiece within ${timeoutMs} ms (${ear.length - from} samples)`);
    await sleep(200);
  }
}

/** Waits until the earpiece pipe stops growing (everything played has been drained); returns its length then. */
async function earDrained(timeoutMs = 10_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  let last = handset.earSamples().length;
  for (;;) {
    await sleep(400);
    const now = handset.earSamples().length;
    if (now === last) return now;
    if (Date.now() > until) throw new Error(`the earpiece is still being played ${timeoutMs} ms after the bridge`);
    last = now;
  }
}

/** The leg never surfaced as a call of the core's. */
function expectNoCallEventsFor(legId: string): void {
  const asCall = rec.events.filter((e) => e.type.startsWith('call.') && 'callId' in e && e.callId === legId && e.type !== 'call.closed');
  expect(asCall).toEqual([]);
}

describe('consult transfer and bridge (real baresip 1.0.0, sipp caller and colleague, RTP on the wire)', () => {
  // baresip 1.1 switches audio for every call at once: no per-call bridge there (the test below instead).
  beforeEach((ctx) => {
    if (!line.audioPerCall) ctx.skip();
  });

  it('attended: the caller hears the announcement then hold audio; the handset talks to the colleague; the bridge joins caller and colleague both ways and the handset hears neither', async () => {
    const { sipp: caller, callId } = await answeredCaller('uac-talk', 12_000);
    const { sipp: coll, uri } = await colleague({ answerCode: 200, ringMs: 400 });
    const m0 = callerPeer.received().length;
    const legId = await line.consult(callId, request(uri, 'receptionist'));
    expect(legId).not.toBe(callId);
    await rec.next('consult.ringing', 5000, (e) => e.legId === legId && e.callId === callId);
    await rec.next('consult.answered', 5000, (e) => e.legId === legId && e.callId === callId);
    const earMark = handset.earSamples().length;
    const toColleague = await hear(colleaguePeer, 1500);
    // The receptionist reaches the colleague: microphone to the colleague, colleague to the earpiece (the
    // earpiece pipe holds up to 4 s of what was played before: look for the tone from the mark on).
    expect(dominantTone(toColleague.slice(1600), TONES, 5)).toBe(MIC_HZ);
    await earTone(earMark, COLLEAGUE_HZ);
    // The caller: announcement first (switched in before the dial), then hold audio; never the handset after.
    const callerHeard = callerPeer.received().slice(m0);
    const announced = windowWith(callerHeard, ANNOUNCE_HZ);
    expect(announced).toBeGreaterThanOrEqual(0);
    const held = windowWith(callerHeard, HOLD_HZ, announced);
    expect(held).toBeGreaterThan(announced);
    const afterSwitch = callerHeard.slice(announced);
    expect(tonePower(afterSwitch, MIC_HZ)).toBeLessThan(tonePower(afterSwitch, HOLD_HZ) / 100);

    await line.bridge(callId, legId);
    const [callerNow, colleagueNow] = await Promise.all([hear(callerPeer, 1500), hear(colleaguePeer, 1500)]);
    expect(dominantTone(callerNow.slice(1600), TONES, 5)).toBe(COLLEAGUE_HZ);
    expect(dominantTone(colleagueNow.slice(1600), TONES, 5)).toBe(CALLER_HZ);
    // The handset hears neither side any more: once the earpiece pipe has drained what was played before the
    // bridge, nothing more of either side comes (the handset's player is on no call).
    const drained = await earDrained();
    await sleep(1500);
    const earAfter = Array.from(handset.earSamples().slice(drained));
    expect(tonePower(earAfter, COLLEAGUE_HZ) + tonePower(earAfter, CALLER_HZ)).toBeLessThan(100);
    expectNoCallEventsFor(legId);

    // The caller hangs up (uac-talk's BYE): the line hangs up the colleague; both close.
    const closedCaller = await rec.next('call.closed', 20_000, (e) => e.callId === callId);
    expect(closedCaller.reason).toBe('remote');
    await expect(rec.next('call.closed', 5000, (e) => e.callId === legId)).resolves.toMatchObject({ reason: 'local' });
    const [c, l] = await Promise.all([caller.done, coll.done]);
    expect(c.code, c.stdout.slice(-2000) + c.stderr).toBe(0);
    expect(l.code, l.stdout.slice(-2000) + l.stderr).toBe(0);
    expect(rec.events.filter((e) => e.type === 'consult.ended' && e.legId === legId)).toEqual([]);
  });

  it('whispered: the colleague hears the whisper, then silence without the leg being hung up; keys 1 (RFC 4733) and 2 (SIP INFO) come as consult.dtmf; endConsult ends only the leg', async () => {
    const { sipp: caller, callId } = await answeredCaller('uac-talk', 9000);
    const { sipp: coll, uri } = await colleague({ answerCode: 200, ringMs: 300, info: { digit: '2', ms: 2500 } });
    const legId = await line.consult(callId, request(uri, 'unit'));
    await rec.next('consult.answered', 5000, (e) => e.legId === legId);
    const whispered = await hear(colleaguePeer, 800);
    expect(dominantTone(whispered.slice(1600), TONES, 5)).toBe(WHISPER_HZ);
    await sleep(500);
    colleaguePeer.pressKey('1');
    await expect(rec.next('consult.dtmf', 3000, (e) => e.legId === legId)).resolves.toEqual({ type: 'consult.dtmf', callId, legId, digit: '1' });
    await expect(rec.next('consult.dtmf', 4000, (e) => e.legId === legId)).resolves.toEqual({ type: 'consult.dtmf', callId, legId, digit: '2' });
    // The whisper file ended long ago: the leg is still up (no consult.ended), and the caller still on hold audio.
    expect(rec.events.filter((e) => e.type === 'consult.ended' && e.legId === legId)).toEqual([]);
    await expectHoldAudio();
    await line.endConsult(callId, legId);
    await expect(rec.next('consult.ended', 5000, (e) => e.legId === legId)).resolves.toMatchObject({ callId, legId, reason: 'cancelled' });
    await expectHoldAudio();
    expectNoCallEventsFor(legId);
    const [c, l] = await Promise.all([caller.done, coll.done]);
    expect(l.code, l.stdout.slice(-2000) + l.stderr).toBe(0);
    expect(c.code, c.stdout.slice(-2000) + c.stderr).toBe(0);
  });

  const failures: { answerCode: 486 | 603 | 0; reason: string }[] = [
    { answerCode: 486, reason: 'busy' },
    { answerCode: 603, reason: 'declined' },
    { answerCode: 0, reason: 'no-answer' },
  ];
  it.each(failures)('colleague answers $answerCode: consult.ended $reason, the caller stays connected on hold audio (no BYE)', async ({ answerCode, reason }) => {
    const { sipp: caller, callId } = await answeredCaller('uac-talk', answerCode === 0 ? TRANSFER_TIMEOUT_MS + 4000 : 4000);
    const { sipp: coll, uri } = await colleague({ answerCode, ringMs: 300 });
    // No announcement: hold audio at once, and still after the leg failed.
    const legId = await line.consult(callId, { ...request(uri, 'unit'), announcement: null });
    const ended = await rec.next('consult.ended', TRANSFER_TIMEOUT_MS + 5000, (e) => e.legId === legId);
    expect(ended).toMatchObject({ callId, legId, reason });
    await expectHoldAudio();
    expectNoCallEventsFor(legId);
    expect(rec.events.filter((e) => e.type === 'call.closed' && e.callId === legId)).toEqual([]);
    const l = await coll.done;
    expect(l.code, l.stdout.slice(-2000) + l.stderr).toBe(0);
    // The caller's own BYE ends the call (uac-talk fails on a BYE from the unit).
    const c = await caller.done;
    expect(c.code, c.stdout.slice(-2000) + c.stderr).toBe(0);
    await expect(rec.next('call.closed', 5000, (e) => e.callId === callId)).resolves.toMatchObject({ reason: 'remote' });
  });

  it('the colleague hangs up before being joined: consult.ended hangup, the caller stays on hold audio (no BYE)', async () => {
    const { sipp: caller, callId } = await answeredCaller('uac-talk', 5000);
    const { sipp: coll, uri } = await colleague({ answerCode: 200, ringMs: 200, byeMs: 1200 });
    const legId = await line.consult(callId, { ...request(uri, 'unit'), announcement: null });
    await rec.next('consult.answered', 5000, (e) => e.legId === legId);
    await expect(rec.next('consult.ended', 5000, (e) => e.legId === legId)).resolves.toMatchObject({ callId, legId, reason: 'hangup' });
    await expectHoldAudio();
    expectNoCallEventsFor(legId);
    const [c, l] = await Promise.all([caller.done, coll.done]);
    expect(l.code, l.stdout.slice(-2000) + l.stderr).toBe(0);
    expect(c.code, c.stdout.slice(-2000) + c.stderr).toBe(0);
  });

  it('bridged, the colleague hangs up: the line hangs up the caller; both close', async () => {
    const { sipp: caller, callId } = await answeredCaller('uac-wait-bye');
    const { sipp: coll, uri } = await colleague({ answerCode: 200, ringMs: 200, byeMs: 2500 });
    const legId = await line.consult(callId, { ...request(uri, 'unit'), whisper: null, announcement: null });
    await rec.next('consult.answered', 5000, (e) => e.legId === legId);
    await line.bridge(callId, legId);
    await expect(rec.next('call.closed', 10_000, (e) => e.callId === legId)).resolves.toMatchObject({ reason: 'remote' });
    await expect(rec.next('call.closed', 5000, (e) => e.callId === callId)).resolves.toMatchObject({ reason: 'local' });
    const [c, l] = await Promise.all([caller.done, coll.done]);
    expect(c.code, c.stdout.slice(-2000) + c.stderr).toBe(0);
    expect(l.code, l.stdout.slice(-2000) + l.stderr).toBe(0);
  });

  it('baresip killed during a bridge: both calls close lost, neither is hung up by the line', async () => {
    const { callId } = await answeredCaller('uac-wait-bye');
    const { uri } = await colleague({ answerCode: 200, ringMs: 200 });
    const legId = await line.consult(callId, { ...request(uri, 'unit'), whisper: null, announcement: null });
    await rec.next('consult.answered', 5000, (e) => e.legId === legId);
    await line.bridge(callId, legId);
    const pid = (line as unknown as { proc: { pid: number } }).proc.pid;
    process.kill(pid, 'SIGKILL');
    const ours = (e: { callId: string }) => e.callId === callId || e.callId === legId;
    const closed = [await rec.next('call.closed', 10_000, ours), await rec.next('call.closed', 10_000, ours)];
    expect(closed.map((e) => [e.callId, e.reason]).sort()).toEqual([[callId, 'lost'], [legId, 'lost']].sort());
    await rec.next('sip.up', 15_000);
  });
});

describe('consult transfer on baresip 1.1 (Debian 13)', () => {
  it('refuses at once with the reason, and the caller keeps talking to the handset (no BYE, no hold switch)', async (ctx) => {
    if (line.audioPerCall) ctx.skip();
    const { sipp: caller, callId } = await answeredCaller('uac-talk', 3000);
    await expect(line.consult(callId, request('sip:wang@127.0.0.1:33159', 'unit'))).rejects.toThrow(SipError);
    await expect(line.consult(callId, request('sip:wang@127.0.0.1:33159', 'unit'))).rejects.toThrow(/per-account audio/);
    const c = await caller.done;
    expect(c.code, c.stdout.slice(-2000) + c.stderr).toBe(0);
  });
});
