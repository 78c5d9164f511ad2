// Integration (R3, optional greetings.playAtEveryPickup): answered from the handset, the caller hears the
// greeting (900 Hz tone, 1.5 s) before the handset (headless here: silence) is connected; the end of the file
// never hangs the call up.
// Ports: SIP 15560, ctrl_tcp 14940, sipp 15570-15579, RTP 16600-16699, RTP peer 15590.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtpPeer, type RtpPeer } from '../../peers/rtp-peer.ts';
import { startSippCall } from '../../peers/sipp.ts';
import { toneFile } from '../../support/tone-file.ts';
import { dominantTone } from '../../support/tone.ts';
import { startTestLine, type TestLine } from './sip-test-utils.ts';

let t: TestLine;
let peer: RtpPeer;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await startTestLine({
    listenPort: 15560,
    ctrlPort: 14940,
    greetingAtPickup: true,
    prepare: (dir) => {
      const greeting = { path: toneFile(`${dir}/greeting.wav`, 900, 1.5), durationMs: 1500 };
      return { holdMusic: async () => null, holdAnnouncement: async () => null, greetingFor: async () => greeting };
    },
  });
  peer = await startRtpPeer(15590, 440);
});

afterAll(async () => {
  await t?.stop();
  await peer?.close();
});

describe('the greeting at every pick-up (real baresip, RTP measured)', () => {
  it('plays after the answer, then the handset is connected and the call stays up', async () => {
    const sipp = startSippCall({ scenario: 'uac-wait-bye', target: '127.0.0.1:15560', localPort: 15570, mediaPort: 16600, vars: { answer_ms: 10_000, rtp_port: peer.port } });
    const inc = await t.rec.next('call.incoming');
    const before = peer.received().length;
    await t.line.answer(inc.callId);
    await sleep(1000);
    const mid = peer.received().length;
    await sleep(1500);
    const after = peer.received().length;
    await sleep(1000);
    const all = peer.received();
    expect(before).toBe(0);
    expect(dominantTone(all.slice(0, mid), [900, 440, 600], 5)).toBe(900);
    // The handset (silent, headless) took over before the file ended: no greeting, and no hang-up.
    expect(dominantTone(all.slice(after), [900, 440, 600], 5)).toBeNull();
    expect(t.rec.events.some((e) => e.type === 'call.closed')).toBe(false);
    await t.line.hangup(inc.callId);
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
  });
});
