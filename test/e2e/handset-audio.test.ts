/**
 * Handset audio both ways through real ALSA with no sound card (issue: what the caller and the receptionist
 * hear, item 1): the caller (sipp signalling + an RTP socket) sends a 440 Hz tone, the handset's microphone
 * (a FIFO behind ALSA's file plugin) says 1000 Hz. After the receptionist lifts the (simulated) handset, the
 * earpiece gets the caller's 440 Hz and the caller gets the microphone's 1000 Hz.
 * Ports: SIP 25460, ctrl_tcp 24844, sipp 25470, RTP peer 25500, sipp media 25510.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFifoHandset, type FifoHandset } from '../peers/alsa/handset.ts';
import { startRtpPeer, type RtpPeer } from '../peers/rtp-peer.ts';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { dominantTone } from '../support/tone.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

let u: TestUnit;
let handset: FifoHandset;
let caller: RtpPeer;

beforeAll(async () => {
  handset = await startFifoHandset(1000);
  u = await bootUnit({
    sipPort: 25460,
    ctrlPort: 24844,
    audio: { earpiece: 'handset', microphone: 'handset', alert: 'null', alsaConfig: handset.asoundrc },
  });
  await waitFor('SIP up', async () => (await u.get<{ sip: { up: boolean } }>('/api/v1/status')).sip.up);
  caller = await startRtpPeer(25500, 440);
});

afterAll(async () => {
  await killAllSipp();
  await u?.stop();
  await caller?.close();
  await handset?.stop();
});

describe('handset audio through ALSA', () => {
  it('the earpiece hears the caller and the caller hears the microphone once the handset is lifted', async () => {
    const sipp = startSippCall({
      scenario: 'uac-wait-bye',
      target: '127.0.0.1:25460',
      localPort: 25470,
      mediaPort: 25510,
      vars: { caller: '+8613900001111', answer_ms: 20_000, rtp_port: caller.port },
    });
    await waitFor('ringing', async () => (await u.get<{ call: { state: string } | null }>('/api/v1/status')).call?.state === 'ringing');
    // Nothing reaches either side before the answer.
    expect(caller.packets()).toBe(0);
    await u.post('/api/v1/sim/hook', { state: 'off' });
    // One second of sound each way, from the first sound on (the earpiece pipe first holds the silence
    // played before the caller's RTP arrived: up to 4 s at real time).
    const heard = (samples: () => ArrayLike<number>) => async () => {
      const s = Array.from(samples());
      const first = s.findIndex((v) => Math.abs(v) > 500);
      return first >= 0 && s.length - first >= 8000 ? s.slice(first, first + 8000) : undefined;
    };
    const ear = await waitFor('caller tone in the earpiece', heard(() => handset.earSamples()), 20_000);
    const fromMic = await waitFor('microphone tone at the caller', heard(() => caller.received()), 20_000);
    expect(dominantTone(ear, [440, 1000])).toBe(440);
    expect(dominantTone(fromMic, [440, 1000])).toBe(1000);
    await u.post('/api/v1/sim/hook', { state: 'on' });
    const res = await sipp.done;
    expect(res.code, res.stderr).toBe(0);
    // Recording is off by default (issue 20 item 4): no sndfile, no dumps, no recording of this answered call.
    expect(readFileSync(join(u.dataDir, 'baresip', 'config'), 'utf8')).not.toContain('sndfile');
    expect(existsSync(join(u.dataDir, 'baresip', 'dumps'))).toBe(false);
    expect(readdirSync(join(u.dataDir, 'recordings'))).toEqual([]);
    // The record is written once the hang-up is seen, which may be just after sipp has finished.
    const rec = await waitFor('the call record', async () => (await u.get<{ calls: { recorded?: boolean }[] }>('/api/v1/calls')).calls[0]);
    expect(rec.recorded).toBe(false);
  });
});
