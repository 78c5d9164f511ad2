// Integration (issue 19 item 4): no call is ever hung up by a file ending. A held caller stays connected through
// 10 loops of a 2 s hold file (600 Hz) while the unit's event loop is blocked 2.5 s out of every 5 (a busy loop:
// every timer of the line fires late, the first block covering the moment the hold audio is due to be switched),
// and the caller's RTP carries the hold audio all along, at the packet rate. On the code before long-play files
// (a 2 s file switched 300 ms before its end by a timer) baresip hangs the call up ("end of file") during the
// first block. Long-play files are made short here (8 s, switch 4 s before the end) so the test sees several
// switches, some of them late.
// Ports: SIP 15410, ctrl_tcp 14650, sipp 15420, sipp media 16340, RTP peer 15430.
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

const HOLD_HZ = 600;
const TONES = [HOLD_HZ, 440, 1000, 1500];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Blocks this process's event loop (the line's timers, its control link, everything) for `ms`. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

beforeAll(async () => {
  t = await startTestLine({
    listenPort: 15410,
    ctrlPort: 14650,
    longPlay: { minMs: 8000, marginMs: 4000 },
    prepare: (dir) => {
      const music = { path: toneFile(`${dir}/hold.wav`, HOLD_HZ, 2), durationMs: 2000 };
      const thanks = { path: toneFile(`${dir}/thanks.wav`, 1500, 1), durationMs: 1000 };
      return { holdMusic: async () => music, holdAnnouncement: async () => thanks, greetingFor: async () => thanks };
    },
  });
  ({ line, rec } = t);
  peer = await startRtpPeer(15430, 440);
});

afterEach(async () => {
  await killAllSipp();
});

afterAll(async () => {
  await t?.stop();
  await peer?.close();
});

describe('hold audio never runs dry (real baresip, event loop blocked)', () => {
  it('a held caller stays connected through 10 hold-audio loops with the event loop blocked, hearing the hold audio all along', async () => {
    const sipp = startSippCall({ scenario: 'uac-wait-bye', target: '127.0.0.1:15410', localPort: 15420, mediaPort: 16340, vars: { caller: '6101', answer_ms: 10_000, rtp_port: peer.port } });
    const inc = await rec.next('call.incoming');
    await line.answer(inc.callId);
    await sleep(500);
    await line.hold(inc.callId);
    const heldAt = performance.now();
    const m0 = peer.received().length;
    // 22 s on hold (11 loops of the 2 s file): blocked 1-3.5 s, 6-8.5 s, 11-13.5 s, 16-18.5 s after the hold.
    for (const start of [1000, 6000, 11_000, 16_000]) {
      await sleep(Math.max(0, heldAt + start - performance.now()));
      busy(2500);
    }
    await sleep(Math.max(0, heldAt + 22_000 - performance.now()));
    const heldMs = performance.now() - heldAt;
    const all = peer.received().slice(m0);
    expect(rec.events.filter((e) => e.type === 'call.closed')).toEqual([]);
    // The caller's RTP all along: about 50 packets (8000 samples) a second, each 2 s stretch the hold tone.
    expect(all.length).toBeGreaterThan(0.9 * 8 * heldMs);
    const stretches: (number | null)[] = [];
    for (let at = 8000; at + 16_000 <= all.length; at += 16_000) stretches.push(dominantTone(all.slice(at, at + 16_000), TONES, 5));
    expect(stretches.length).toBeGreaterThanOrEqual(9);
    expect(stretches.every((hz) => hz === HOLD_HZ)).toBe(true);
    await line.resume(inc.callId);
    await line.hangup(inc.callId);
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  }, 60_000);
});
