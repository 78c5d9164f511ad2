/** Test audio made with the real sox, and a reader for the WAV files the unit writes. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A sine tone of `seconds` at `hz` into `path` (format from the extension), `rate` Hz, `channels`. */
export function makeTone(path: string, opts: { seconds: number; hz?: number; rate?: number; channels?: number; volume?: number }): string {
  const { seconds, hz = 440, rate = 44100, channels = 2, volume = 0.5 } = opts;
  execFileSync('sox', ['-n', '-r', String(rate), '-c', String(channels), path, 'synth', String(seconds), 'sine', String(hz), 'vol', String(volume)]);
  return path;
}

/** Silence of `seconds`: all zeros, or with sox's dither noise (what a "silent" export often holds). */
export function makeSilence(path: string, seconds: number, opts: { dither?: boolean } = {}): string {
  const args = ['-n', '-r', '8000', '-c', '1', '-b', '16', path, 'trim', '0', String(seconds)];
  execFileSync('sox', opts.dither ? args : ['-D', ...args]);
  return path;
}

export interface Wav {
  format: number;
  channels: number;
  rate: number;
  bits: number;
  samples: Int16Array;
}

/** Reads a PCM WAV: its fmt chunk and 16-bit samples. */
export function readWav(path: string): Wav {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a WAV`);
  let at = 12;
  let fmt: Omit<Wav, 'samples'> | null = null;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ')
      fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    if (id === 'data' && fmt) {
      const data = buf.subarray(body, body + size);
      return { ...fmt, samples: new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length)) };
    }
    at = body + size + (size % 2);
  }
  throw new Error(`${path}: no fmt/data chunk`);
}

/** Estimated frequency from zero crossings: a fingerprint that the tone survived conversion. */
export function dominantHz(wav: Wav): number {
  let crossings = 0;
  for (let i = 1; i < wav.samples.length; i++) if (wav.samples[i - 1]! < 0 !== wav.samples[i]! < 0) crossings++;
  return crossings / 2 / (wav.samples.length / wav.rate);
}
