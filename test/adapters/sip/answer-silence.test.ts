// Integration (issue: an audio path that never leaks): a caller answered by the unit (auto-answer R3, LINE 2
// "please hold" R6) hears silence, never the room, until their prompt starts. The handset's microphone is a FIFO
// behind ALSA's file plugin (test/peers/alsa/) carrying a 1000 Hz tone, as if the receptionist were talking;
// the caller's RTP (the RTP peer) is checked from its first packet: no 1000 Hz in the first 200 ms, nor after.
// Ports: SIP 15585, ctrl_tcp 14985, sipp 15586-15589, sipp media 17210-17249, RTP peer 15596.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BaresipLine } from '../../../src/adapters/sip/baresip-line.ts';
import { startFifoHandset, type FifoHandset } from '../../peers/alsa/handset.ts';
import { startRtpPeer, type RtpPeer } from '../../peers/rtp-peer.ts';
import { killAllSipp, startSippCall } from '../../peers/sipp.ts';
import { toneFile } from '../../support/tone-file.ts';
import { dominantTone, tonePower } from '../../support/tone.ts';
import { startTestLine, type EventRecorder, type TestLine } from './sip-test-utils.ts';

const MIC_HZ = 1000;
const GREETING_HZ = 900;
const HOLD_HZ = 600;
const CALLER_HZ = 440;
let handset: FifoHandset;
let t: TestLine;
let line: BaresipLine;
let rec: EventRecorder;
let peer: RtpPeer;
let sippPort = 15586;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const callIn = (caller: string) => {
  const port = sippPort++;
  return startSippCall({ scenario: 'uac-wait-bye', target: '127.0.0.1:15585', localPort: port, mediaPort: 17210 + (port - 15586) * 10, vars: { caller, answer_ms: 10_000, rtp_port: peer.port } });
};

/** How strong the microphone's tone is in `samples` against the strongest of the tones that may be heard. */
function micShare(samples: number[]): number {
  const mic = tonePower(samples, MIC_HZ);
  const others = Math.max(...[GREETING_HZ, HOLD_HZ, CALLER_HZ].map((hz) => tonePower(samples, hz)), 1);
  return mic / others;
}

beforeAll(async () => {
  handset = await startFifoHandset(MIC_HZ);
  t = await startTestLine({
    listenPort: 15585,
    ctrlPort: 14985,
    audio: { source: 'alsa,handset', player: 'alsa,handset', alert: 'aubridge,alert' },
    env: { ALSA_CONFIG_PATH: `/usr/share/alsa/alsa.conf:${handset.asoundrc}` },
    prepare: (dir) => {
      const music = { path: toneFile(`${dir}/hold.wav`, HOLD_HZ, 2), durationMs: 2000 };
      const greeting = { path: toneFile(`${dir}/greeting.wav`, GREETING_HZ, 1.5), durationMs: 1500 };
      const pleaseHold = { path: toneFile(`${dir}/please-hold.wav`, GREETING_HZ, 1), durationMs: 1000 };
      return { holdMusic: async () => music, holdAnnouncement: async () => null, greetingFor: async () => greeting, pleaseHold: async () => pleaseHold };
    },
  });
  ({ line, rec } = t);
  peer = await startRtpPeer(15596, CALLER_HZ);
});

afterEach(async () => {
  await killAllSipp();
});

afterAll(async () => {
  await t?.stop();
  await peer?.close();
  await handset?.stop();
});

describe('a caller answered by the unit never hears the handset before the prompt (real baresip, ALSA FIFO mic)', () => {
  it('auto-answer: the first 200 ms of RTP carry no trace of the microphone, the greeting follows', async () => {
    const sipp = callIn('7001');
    const inc = await rec.next('call.incoming');
    const m0 = peer.received().length;
    await line.autoAnswer(inc.callId);
    await sleep(1200);
    const heard = peer.received().slice(m0);
    const first = heard.slice(0, 1600);
    expect(first.length).toBe(1600);
    // A leak is the microphone's tone as loud as the prompt or louder; silence or the greeting gives < 0.01.
    expect(micShare(first)).toBeLessThan(0.01);
    expect(micShare(heard)).toBeLessThan(0.01);
    expect(dominantTone(heard.slice(1600), [MIC_HZ, GREETING_HZ, HOLD_HZ], 5)).toBe(GREETING_HZ);
    // The call's RTP comes from a port in sip.rtpPorts (default 40000-40999), never one a test peer or another
    // program may be about to bind (baresip's own default is 1024-49152).
    const { port } = peer.source() ?? { port: 0 };
    expect(port).toBeGreaterThanOrEqual(40000);
    expect(port).toBeLessThanOrEqual(40999);
    // The handset taken back: now the caller hears the microphone.
    await line.resume(inc.callId);
    await sleep(800);
    const m1 = peer.received().length;
    await sleep(600);
    expect(dominantTone(peer.received().slice(m1), [MIC_HZ, GREETING_HZ, HOLD_HZ], 5)).toBe(MIC_HZ);
    await line.hangup(inc.callId);
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  });

  it('"please hold" (LINE 2 queue): the first 200 ms carry no trace of the microphone, then the prompt', async () => {
    const sipp = callIn('7002');
    const inc = await rec.next('call.incoming');
    const m0 = peer.received().length;
    await line.queue(inc.callId);
    await sleep(800);
    const heard = peer.received().slice(m0);
    expect(heard.length).toBeGreaterThanOrEqual(1600);
    expect(micShare(heard.slice(0, 1600))).toBeLessThan(0.01);
    expect(micShare(heard)).toBeLessThan(0.01);
    expect(dominantTone(heard.slice(1600), [MIC_HZ, GREETING_HZ, HOLD_HZ], 5)).toBe(GREETING_HZ);
    await line.hangup(inc.callId);
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  });
});
