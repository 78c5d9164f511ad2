/**
 * Opt-in call recording through the whole unit (issue 20 item 4), real baresip 1.0.0 (its sndfile module) and
 * sipp, the handset an ALSA FIFO whose microphone says 400 Hz; the caller (an RTP peer) sends 700 Hz. With
 * recording on, the receptionist lifts the handset: the caller first hears the notice (speech, no 400 Hz), then
 * the handset. After the call the record says recorded, the list names it, and the kept file is one stereo WAV:
 * the caller's 700 Hz on the left, the notice then the handset's 400 Hz on the right, 0600 in a 0700 folder; the
 * line's raw dumps are gone; a playback writes its `recording.played` journal event.
 * (Recording off writes nothing: test/e2e/handset-audio.test.ts checks that on its default-config unit.)
 * Ports: SIP 39160, ctrl_tcp 39454, sipp 39170, sipp media 39200; the RTP peer takes any free port.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../src/core/record.ts';
import { readWavInfo } from '../../src/adapters/sip/wav.ts';
import { startFifoHandset, type FifoHandset } from '../peers/alsa/handset.ts';
import { startRtpPeer, type RtpPeer } from '../peers/rtp-peer.ts';
import { killAllSipp, startSippCall } from '../peers/sipp.ts';
import { dominantTone } from '../support/tone.ts';
import { bootUnit, waitFor, type TestUnit } from './unit-harness.ts';

let u: TestUnit;
let handset: FifoHandset;
let caller: RtpPeer;
type Status = { sip: { up: boolean }; call: { state: string } | null };
const records = async () => (await u.get<{ calls: CallRecord[] }>('/api/v1/calls')).calls;

beforeAll(async () => {
  handset = await startFifoHandset(400);
  u = await bootUnit({
    sipPort: 39160,
    ctrlPort: 39454,
    audio: { earpiece: 'handset', microphone: 'handset', alert: 'null', alsaConfig: handset.asoundrc },
    recording: { enabled: true },
  });
  await waitFor('SIP up', async () => (await u.get<Status>('/api/v1/status')).sip.up);
  caller = await startRtpPeer(0, 700);
}, 60_000);
afterAll(async () => {
  await killAllSipp();
  await u?.stop();
  await caller?.close();
  await handset?.stop();
});

/** Other frequencies a pure tone must stand out from (speech spreads over them). */
const AROUND = [300, 500, 600, 850, 1000, 1200];

/** Each 100 ms window: null when quiet, 400 or 700 for that pure tone, 0 for other sound (the spoken notice). */
function windows(samples: ArrayLike<number>): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i + 800 <= samples.length; i += 800) {
    const w = Array.from({ length: 800 }, (_, k) => samples[i + k] ?? 0);
    out.push(Math.max(...w.map(Math.abs)) > 1000 ? (dominantTone(w, [400, 700, ...AROUND]) ?? 0) : null);
  }
  return out;
}

/** The first of ten windows of 400 Hz in a row (the handset's microphone), or -1. */
function handsetFrom(w: (number | null)[]): number {
  return w.findIndex((_, i) => w.length >= i + 10 && w.slice(i, i + 10).every((x) => x === 400));
}

describe('call recording (issue 20 item 4)', () => {
  it('the notice first, then both directions kept in one stereo file; a playback is audited', async () => {
    const sipp = startSippCall({
      scenario: 'uac-wait-bye', target: '127.0.0.1:39160', localPort: 39170, mediaPort: 39200,
      vars: { caller: '+8613600005555', answer_ms: 20_000, rtp_port: caller.port },
    });
    await waitFor('ringing', async () => (await u.get<Status>('/api/v1/status')).call?.state === 'ringing');
    const before = caller.received().length;
    await u.post('/api/v1/sim/hook', { state: 'off' });
    // The caller hears sound before any 400 Hz (the notice), then the microphone's 400 Hz for a second.
    const heard = await waitFor(
      'the handset at the caller',
      async () => {
        const w = windows(caller.received().slice(before));
        const first400 = handsetFrom(w);
        return first400 >= 0 ? { w, first400 } : undefined;
      },
      20_000,
    );
    // At least a second of other sound (the spoken notice, about 2 s) before the handset.
    expect(heard.w.slice(0, heard.first400).filter((hz) => hz === 0).length).toBeGreaterThanOrEqual(10);
    // Talk 2 s more, counted in what the earpiece played (the pump drains it at real time).
    const talked = handset.earSamples().length + 16_000;
    await waitFor('2 s of talk', async () => handset.earSamples().length >= talked, 10_000);
    await u.post('/api/v1/sim/hook', { state: 'on' });
    expect((await sipp.done).code).toBe(0);

    const rec = await waitFor('the record', async () => (await records()).find((r) => r.callerNumber === '+8613600005555'));
    expect(rec).toMatchObject({ answeredBy: 'receptionist', recorded: true });
    const listed = await waitFor('the recording listed', async () =>
      (await u.get<{ recordings: { callId: string; ms: number; startedAt: string }[] }>('/api/v1/recordings')).recordings.find((r) => r.callId === rec.id),
    );
    expect(listed.startedAt).toBe(rec.startedAt);
    expect(listed.ms).toBeGreaterThan(2000);

    const res = await fetch(`${u.running.url}/api/v1/calls/${rec.id}/recording`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await res.arrayBuffer());
    const info = readWavInfo(wav, 'recording');
    expect(info).toMatchObject({ sampleRate: 8000, channels: 2 });
    const frames = new Int16Array(wav.buffer.slice(wav.byteOffset + info.dataOffset, wav.byteOffset + info.dataOffset + info.dataBytes));
    const left = frames.filter((_, i) => i % 2 === 0);
    const right = frames.filter((_, i) => i % 2 === 1);
    const l = windows(left);
    const r = windows(right);
    // The caller's side: 700 Hz, never the handset's 400 Hz; the desk's side: 400 Hz, never the caller's 700.
    expect(l.filter((hz) => hz === 700).length).toBeGreaterThanOrEqual(10);
    expect(l).not.toContain(400);
    expect(l.filter((hz) => hz === 0).length).toBeLessThanOrEqual(2);
    expect(r.filter((hz) => hz === 400).length).toBeGreaterThanOrEqual(10);
    expect(r).not.toContain(700);
    // On the desk's side the notice (sound, not 400 Hz) comes before the handset.
    const firstHandset = handsetFrom(r);
    expect(firstHandset).toBeGreaterThan(0);
    expect(r.slice(0, firstHandset).filter((hz) => hz === 0).length).toBeGreaterThanOrEqual(10);

    // Kept for the service user only; the line's raw dumps are gone.
    const dir = join(u.dataDir, 'recordings');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, `${rec.id}.wav`)).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(u.dataDir, 'baresip', 'dumps'))).toEqual([]);

    // The playback above is in the journal: who, when, which call.
    const journal = join(u.dataDir, 'journal');
    const lines = readdirSync(journal).filter((f) => f.endsWith('.jsonl')).flatMap((f) => readFileSync(join(journal, f), 'utf8').split('\n'));
    const played = lines.filter((line) => line.includes('"recording.played"'));
    expect(played).toHaveLength(1);
    expect(played[0]).toContain(rec.id);
    expect(played[0]).toContain('"by":"local"');
  }, 60_000);
});
