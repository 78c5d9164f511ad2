import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EspeakNg } from '../../../src/adapters/audio/espeak-ng.ts';
import { runProgram } from '../../../src/adapters/audio/run-program.ts';
import { SoxEspeakAudio } from '../../../src/adapters/audio/sox-espeak-audio.ts';
import { Sox, parseStat } from '../../../src/adapters/audio/sox.ts';
import { AudioToolError, GreetingFileError } from '../../../src/core/errors.ts';
import { dominantHz, makeSilence, makeTone, readWav } from './audio-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'audio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const audio = new SoxEspeakAudio();

/** The one format baresip's aufile plays (STACK-NOTES). */
function expectAufile(path: string) {
  const wav = readWav(path);
  expect({ format: wav.format, channels: wav.channels, rate: wav.rate, bits: wav.bits }).toEqual({ format: 1, channels: 1, rate: 8000, bits: 16 });
  return wav;
}

describe('sox conversion to the aufile format', () => {
  it.each([
    ['mp3', 44100, 2],
    ['flac', 48000, 2],
    ['ogg', 48000, 1],
    ['wav', 16000, 1],
  ])('%s at %i Hz, %i channel(s) becomes 8 kHz mono s16 WAV with the same tone and length', async (ext, rate, channels) => {
    const input = makeTone(join(dir, `tone-${ext}.${ext}`), { seconds: 2, hz: 440, rate, channels });
    const output = join(dir, `out-${ext}.wav`);
    const m = await audio.convert(input, output, input);
    const wav = expectAufile(output);
    expect(m.durationMs).toBeGreaterThanOrEqual(1990);
    expect(m.durationMs).toBeLessThanOrEqual(2100); // MP3 adds encoder padding
    expect(Math.abs(wav.samples.length - m.durationMs * 8)).toBeLessThanOrEqual(8); // 8 samples per ms
    expect(dominantHz(wav)).toBeGreaterThan(430);
    expect(dominantHz(wav)).toBeLessThan(450);
    expect(m.peakDbfs).toBeGreaterThan(-7); // vol 0.5 = -6 dBFS
    expect(m.peakDbfs).toBeLessThan(-5);
  });

  it('stops decoding at stopAfterMs', async () => {
    const long = makeTone(join(dir, 'long.flac'), { seconds: 20, rate: 8000, channels: 1 });
    expect((await audio.convert(long, join(dir, 'cut.wav'), long, 3000)).durationMs).toBe(3000);
  });

  it('measures digital silence as -Infinity and an empty file as zero length', async () => {
    const silent = makeSilence(join(dir, 'silent.wav'), 3);
    expect(await new Sox().measure(silent)).toEqual({ durationMs: 3000, peakDbfs: -Infinity, rmsDbfs: -Infinity });
    const empty = makeSilence(join(dir, 'empty.wav'), 0);
    expect(await new Sox().measure(empty)).toMatchObject({ durationMs: 0, rmsDbfs: -Infinity });
  });

  it('keeps dithered silence far below any voice', async () => {
    const dithered = makeSilence(join(dir, 'dithered.wav'), 3, { dither: true });
    const m = await new Sox().measure(dithered);
    expect(m.peakDbfs).toBeGreaterThan(-Infinity);
    expect(m.peakDbfs).toBeLessThan(-80);
  });

  it('refuses a text file, naming it and giving sox’s reason', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not audio\n');
    const err = await audio.convert(text, join(dir, 'x.wav'), 'notes.txt').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GreetingFileError);
    expect((err as GreetingFileError).message).toMatch(/^notes\.txt: unreadable: not an audio file sox can read \(no handler for file extension `txt'\)/);
    const fake = join(dir, 'fake.wav');
    writeFileSync(fake, 'not audio either\n');
    await expect(audio.convert(fake, join(dir, 'y.wav'), fake)).rejects.toThrow(/fake\.wav: unreadable: .*RIFF header not found/);
  });

  it('makes audible hold music longer than half a minute', async () => {
    const out = join(dir, 'hold.wav');
    const m = await audio.holdMusic(out);
    expectAufile(out);
    expect(m.durationMs).toBeGreaterThan(30_000);
    expect(m.rmsDbfs).toBeGreaterThan(-30);
  });

  it('reads sox’s stat report', () => {
    const report = 'Samples read:  8000\nLength (seconds):      1.000000\nMaximum amplitude:     0.500000\nMinimum amplitude:    -0.250000\nRMS     amplitude:     0.100000\n';
    expect(parseStat(report, 'f')).toEqual({ durationMs: 1000, peakDbfs: -6, rmsDbfs: -20 });
    expect(() => parseStat('garbage', 'f.wav')).toThrow(/^f\.wav: unreadable: sox could not measure it/);
  });
});

describe('espeak-ng', () => {
  it('speaks Mandarin (Latin letters as English) into an aufile WAV', async () => {
    const out = join(dir, 'zh.wav');
    const m = await audio.speak('您好，欢迎致电。Hello.', 'zh', out);
    expectAufile(out);
    expect(m.durationMs).toBeGreaterThan(1000);
    expect(m.peakDbfs).toBeGreaterThan(-20);
  });

  it('takes a text starting with a dash as text, not as an option', async () => {
    const out = join(dir, 'dash.wav');
    const m = await audio.speak('--help me please', 'en', out);
    expect(m.durationMs).toBeGreaterThan(500);
  });
});

describe('missing and stuck programs', () => {
  it('a missing program is an AudioToolError with the package to install', async () => {
    const sox = new Sox({ program: 'sox-not-installed' });
    await expect(sox.measure(join(dir, 'silent.wav'))).rejects.toThrow(/^sox-not-installed: not installed \(apt-get install sox-not-installed\)/);
    await expect(new EspeakNg({ program: 'espeak-missing' }).speak('hi', 'en', join(dir, 'n.wav'))).rejects.toThrow(AudioToolError);
  });

  it('a program that does not finish is stopped and reported', async () => {
    await expect(runProgram('sleep', ['5'], { timeoutMs: 100 })).rejects.toThrow(/^sleep: no result within 100 ms, stopped/);
  });
});
