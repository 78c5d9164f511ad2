/** A sine tone written by sox in the format baresip's aufile plays (8 kHz, mono, 16-bit WAV): prompts in SIP tests. */
import { spawnSync } from 'node:child_process';

export function toneFile(file: string, hz: number, seconds: number): string {
  const r = spawnSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', file, 'synth', String(seconds), 'sine', String(hz)]);
  if (r.status !== 0) throw new Error(`sox: ${r.stderr}`);
  return file;
}
