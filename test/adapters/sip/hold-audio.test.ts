// Integration (SPEC R4, issue 7 item 4): a held caller hears hold audio and, at each check-in, the "thank you
// for waiting" announcement, measured on the wire (the caller's RTP); no SIP re-INVITE is sent (uac-wait-bye
// fails on one); hold audio files shorter than the hold never hang the call up. Tones stand in for the files:
// hold audio 600 Hz (2 s, so it must loop), announcement 1500 Hz (1 s), greeting 900 Hz (1.5 s). Auto-answer
// (R3): the greeting starts with the answer, hold audio follows, resume hands the call to the handset.
// Ports: SIP 15260, ctrl_tcp 14640, sipp 15270-15279, RTP peer 15290.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BaresipLine } from '../../../src/adapters/sip/baresip-line.ts';
import { startRtpPeer, type RtpPeer } from '../../peers/rtp-peer.ts';
import { killAllSipp, startSippCall } from '../../peers/sipp.ts';
import { toneFile } from '../../support/tone-file.ts';
import { dominantTone } from '../../support/tone.ts';
import { startTestLine, type EventRecorder, type TestLine } from './sip-test-utils.ts';

let t: TestLine;
let line: BaresipLine;
let rec: EventRecorder;
let peer: RtpPeer;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TONES = [600, 1500, 900, 440, 1000];

/** A caller (sipp signalling, the RTP peer's media) that waits for the unit to hang up. */
const callIn = (caller: string, localPort: number, mediaPort: number) =>
  startSippCall({ scenario: 'uac-wait-bye', target: '127.0.0.1:15260', localPort, mediaPort, vars: { caller, answer_ms: 10_000, rtp_port: peer.port } });

beforeAll(async () => {
  t = await startTestLine({
    listenPort: 15260,
    ctrlPort: 14640,
    prepare: (dir) => {
      const music = { path: toneFile(`${dir}/hold.wav`, 600, 2), durationMs: 2000 };
      const thanks = { path: toneFile(`${dir}/thanks.wav`, 1500, 1), durationMs: 1000 };
      const greeting = { path: toneFile(`${dir}/greeting.wav`, 900, 1.5), durationMs: 1500 };
      return { holdMusic: async () => music, holdAnnouncement: async () => thanks, greetingFor: async () => greeting };
    },
  });
  ({ line, rec } = t);
  peer = await startRtpPeer(15290, 440);
});

afterEach(async () => {
  await killAllSipp();
});

afterAll(async () => {
  await t?.stop();
  await peer?.close();
});

describe('hold the caller can hear (real baresip, RTP measured)', () => {
  it('hold audio loops past its end, the announcement plays at a check-in, resume brings the handset back', async () => {
    const sipp = callIn('6001', 15270, 15300);
    const inc = await rec.next('call.incoming');
    await line.answer(inc.callId);
    await sleep(600);
    const m0 = peer.received().length;
    await line.hold(inc.callId);
    // 3 s of hold: longer than the 2 s file, which would hang the call up if it ran out.
    await sleep(3000);
    const m1 = peer.received().length;
    await line.announce(inc.callId, 'hold-thanks');
    await sleep(800);
    const m2 = peer.received().length;
    await sleep(1200);
    const m3 = peer.received().length;
    await line.resume(inc.callId);
    await sleep(800);
    const all = peer.received();
    const during = (a: number, b: number) => dominantTone(all.slice(a, b), TONES, 5);
    // Headless handset: nothing but silence (baresip sends no RTP from an unfed source) before the hold and
    // after the resume.
    const quiet = (a: number[]) => a.every((v) => Math.abs(v) < 500);
    expect(quiet(all.slice(0, m0))).toBe(true);
    expect(during(m0 + 800, m1)).toBe(600);
    expect(during(m1 + 800, m2)).toBe(1500);
    expect(during(m2 + 2400, m3)).toBe(600);
    expect(quiet(all.slice(m3 + 3200))).toBe(true);
    expect(rec.events.some((e) => e.type === 'call.closed')).toBe(false);
    await line.hangup(inc.callId);
    const res = await sipp.done;
    // uac-wait-bye fails on a re-INVITE: the hold never went over SIP.
    expect(res.code, res.stderr).toBe(0);
  });

  it('auto-answer: the greeting from the first packet, then hold audio; the end of the file never hangs up', async () => {
    const sipp = callIn('6002', 15271, 15320);
    const inc = await rec.next('call.incoming');
    const m0 = peer.received().length;
    await sleep(500);
    // Ringing: nothing reaches the caller before the answer.
    expect(peer.received().length).toBe(m0);
    await line.autoAnswer(inc.callId);
    await sleep(3000);
    const m1 = peer.received().length;
    await line.resume(inc.callId);
    await sleep(800);
    const all = peer.received();
    const during = (a: number, b: number) => dominantTone(all.slice(a, b), TONES, 5);
    // The first second heard is the greeting (from its start), what follows the 1.5 s file is hold audio.
    expect(during(m0, m0 + 8000)).toBe(900);
    expect(during(m0 + 14_400, m1)).toBe(600);
    expect(all.slice(m1 + 3200).every((v) => Math.abs(v) < 500)).toBe(true);
    expect(rec.events.some((e) => e.type === 'call.closed' && e.callId === inc.callId)).toBe(false);
    await line.hangup(inc.callId);
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  });
});
