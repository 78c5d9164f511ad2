// Integration (R6, issue 7 item 5): the second line on a real baresip 1.0.0. Line 2 is a second account
// (user "reception-2") a PBX hunts to; sipp dials it directly here. Each caller's RTP is measured: "please
// hold" is a 1000 Hz tone (1 s), hold audio 600 Hz (2 s, looping). What one line's caller hears must never
// change with what the other line does (baresip switches audio per account).
// Ports: SIP 15460, ctrl_tcp 14840, sipp 15470-15479, RTP 16500-16599, RTP peers 15490 (line 1), 15491 (line 2).
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
let peer1: RtpPeer;
let peer2: RtpPeer;
let sippPort = 15470;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TONES = [600, 1000, 440, 880];
/** The tone `peer` heard over the last `ms` (null: silence or no clear tone). */
async function heard(peer: RtpPeer, ms: number): Promise<number | null> {
  const mark = peer.received().length;
  await sleep(ms);
  return dominantTone(peer.received().slice(mark), TONES, 5);
}

function caller(service: string, peer: RtpPeer) {
  const port = sippPort++;
  return startSippCall({
    scenario: 'uac-wait-bye', target: '127.0.0.1:15460', service, localPort: port, mediaPort: 16500 + (port - 15470) * 10,
    vars: { answer_ms: 15_000, rtp_port: peer.port },
  });
}

beforeAll(async () => {
  t = await startTestLine({
    listenPort: 15460,
    ctrlPort: 14840,
    prepare: (dir) => {
      const music = { path: toneFile(`${dir}/hold.wav`, 600, 2), durationMs: 2000 };
      const pleaseHold = { path: toneFile(`${dir}/please-hold.wav`, 1000, 1), durationMs: 1000 };
      return { holdMusic: async () => music, holdAnnouncement: async () => music, greetingFor: async () => music, pleaseHold: async () => pleaseHold };
    },
  });
  ({ line, rec } = t);
  peer1 = await startRtpPeer(15490, 440);
  peer2 = await startRtpPeer(15491, 880);
});

afterEach(async () => {
  await killAllSipp();
});

afterAll(async () => {
  await t?.stop();
  await peer1?.close();
  await peer2?.close();
});

describe('two lines on one baresip (real RTP)', () => {
  it('a call to line 2 says so; while line 1 talks, line 2 is answered with "please hold" then hold audio, and neither line hears the other', async () => {
    const a = caller('reception', peer1);
    const inA = await rec.next('call.incoming');
    expect(inA).toMatchObject({ line: 1 });
    await line.answer(inA.callId);
    const b = caller('reception-2', peer2);
    const inB = await rec.next('call.incoming');
    expect(inB).toMatchObject({ line: 2 });
    await line.queue(inB.callId);
    // baresip 1.1 switches audio for every call at once (README, stack notes): there a caller queued while
    // another call is up is held silent instead of hearing the prompt and hold audio. Either way line 1 is untouched.
    const own = line.audioPerCall;
    expect(await heard(peer2, 800)).toBe(own ? 1000 : null);
    // Past the 1 s prompt: hold audio, looping past its 2 s file without hanging up.
    await sleep(400);
    expect(await heard(peer2, 2500)).toBe(own ? 600 : null);
    // Line 1 talks through the (headless, silent) handset meanwhile: no prompt, no hold audio reaches it.
    expect(await heard(peer1, 1000)).toBeNull();
    // Holding and resuming line 1 switches line 1's audio only.
    await line.hold(inA.callId);
    expect(await heard(peer1, 1000)).toBe(600);
    await line.resume(inA.callId);
    await sleep(200);
    expect(await heard(peer1, 1000)).toBeNull();
    expect(await heard(peer2, 1000)).toBe(own ? 600 : null);
    // Line 1 ends; the handset takes line 2's caller: hold audio stops for them.
    await line.hangup(inA.callId);
    await line.resume(inB.callId);
    await sleep(200);
    expect(await heard(peer2, 1000)).toBeNull();
    await line.hangup(inB.callId);
    for (const sipp of [a, b]) {
      const res = await sipp.done;
      expect(res.code, res.stderr).toBe(0);
    }
  });

  it('two calls ringing at once on the two lines: line 2 is queued while line 1 still rings, then line 1 is answered; line 2 keeps its hold audio', async () => {
    const a = caller('reception', peer1);
    const inA = await rec.next('call.incoming');
    const b = caller('reception-2', peer2);
    const inB = await rec.next('call.incoming');
    await line.queue(inB.callId);
    await line.answer(inA.callId);
    await sleep(1200);
    // baresip 1.1: once the handset takes line 1, line 2 is held silent (one set of audio devices for all calls).
    expect(await heard(peer2, 1500)).toBe(line.audioPerCall ? 600 : null);
    expect(await heard(peer1, 1000)).toBeNull();
    await line.hangup(inA.callId);
    await line.hangup(inB.callId);
    for (const sipp of [a, b]) {
      const res = await sipp.done;
      expect(res.code, res.stderr).toBe(0);
    }
  });
});
