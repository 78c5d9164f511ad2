/**
 * LongPlay: the files a caller hears are the prompt then the hold audio looped (sample for sample), at least as
 * long as asked, with the switch point on a loop boundary that leaves the margin; silence after a prompt without
 * hold audio; a cut cache file is made again; files that are not 16-bit WAV, or that differ in rate, are refused
 * by name. Real files (sox tones), no baresip.
 */
import { mkdtemp, readFile, readdir, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LongPlay } from '../../../../src/adapters/sip/line/long-play.ts';
import { readWavInfo } from '../../../../src/adapters/sip/wav.ts';
import { toneFile } from '../../../support/tone-file.ts';
import { memoryLogger } from '../../../support/memory-logger.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-longplay-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function samples(path: string): Promise<Buffer> {
  const buf = await readFile(path);
  const info = readWavInfo(buf, path);
  expect(info).toMatchObject({ sampleRate: 8000, channels: 1 });
  return buf.subarray(info.dataOffset, info.dataOffset + info.dataBytes);
}

describe('LongPlay', () => {
  it('hold audio alone: whole loops up to the length asked, switch on a loop boundary with the margin after it', async () => {
    const hold = { path: toneFile(join(dir, 'hold.wav'), 600, 2), durationMs: 2000 };
    const lp = new LongPlay({ dir: join(dir, 'cache'), log: memoryLogger(), minMs: 9000, marginMs: 4000 });
    const f = await lp.compose(null, hold);
    // 5 loops of 2 s (9 s asked), switch after 3 loops: 4 s left.
    expect(f).toMatchObject({ durationMs: 10_000, switchAtMs: 6000, then: 'hold' });
    const loop = await samples(hold.path);
    expect((await samples(f!.path)).equals(Buffer.concat([loop, loop, loop, loop, loop]))).toBe(true);
  });

  it('a prompt then hold audio: the switch at the prompt\'s end plus whole loops, the margin kept', async () => {
    const prompt = { path: toneFile(join(dir, 'please.wav'), 1000, 1), durationMs: 1000 };
    const hold = { path: toneFile(join(dir, 'hold.wav'), 600, 2), durationMs: 2000 };
    const lp = new LongPlay({ dir: join(dir, 'cache'), log: memoryLogger(), minMs: 8000, marginMs: 3000 });
    const f = await lp.compose(prompt, hold);
    // 1 s + 4 loops = 9 s; the last boundary with 3 s after it: 1 s + 2 loops.
    expect(f).toMatchObject({ durationMs: 9000, switchAtMs: 5000, then: 'hold' });
    const [p, l] = await Promise.all([samples(prompt.path), samples(hold.path)]);
    expect((await samples(f!.path)).equals(Buffer.concat([p, l, l, l, l]))).toBe(true);
  });

  it('the defaults: a minute of audio, a switch that may come 30 s late', async () => {
    const hold = { path: toneFile(join(dir, 'hold.wav'), 600, 7), durationMs: 7000 };
    const f = await new LongPlay({ dir: join(dir, 'cache'), log: memoryLogger() }).compose(null, hold);
    expect(f!.durationMs).toBeGreaterThanOrEqual(60_000);
    expect(f!.durationMs - f!.switchAtMs).toBeGreaterThanOrEqual(30_000);
    expect(f!.switchAtMs % 7000).toBe(0);
  });

  it('a prompt without hold audio is followed by silence for the margin; nothing at all is null', async () => {
    const prompt = { path: toneFile(join(dir, 'whisper.wav'), 1000, 1), durationMs: 1000 };
    const lp = new LongPlay({ dir: join(dir, 'cache'), log: memoryLogger(), minMs: 3000, marginMs: 5000 });
    const f = await lp.compose(prompt, null);
    expect(f).toMatchObject({ durationMs: 6000, switchAtMs: 1000, then: 'silence' });
    const tail = (await samples(f!.path)).subarray(16_000);
    expect(tail.length).toBe(80_000);
    expect(tail.every((b) => b === 0)).toBe(true);
    expect(await lp.compose(null, null)).toBeNull();
  });

  it('the same sources give the same file; a cut one is made again, whole', async () => {
    const hold = { path: toneFile(join(dir, 'hold.wav'), 600, 2), durationMs: 2000 };
    const lp = new LongPlay({ dir: join(dir, 'cache'), log: memoryLogger(), minMs: 9000, marginMs: 4000 });
    const a = await lp.compose(null, hold);
    const b = await lp.compose(null, hold);
    expect(b!.path).toBe(a!.path);
    await truncate(a!.path, 1000);
    const c = await lp.compose(null, hold);
    expect((await readFile(c!.path)).length).toBe(44 + 160_000);
    expect((await readdir(join(dir, 'cache'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('discardMadeFrom removes the files composed with a prompt (one naming a caller), and only those', async () => {
    const readBack = { path: toneFile(join(dir, 'readback.wav'), 1000, 1), durationMs: 1000 };
    const other = { path: toneFile(join(dir, 'thanks.wav'), 800, 1), durationMs: 1000 };
    const hold = { path: toneFile(join(dir, 'hold.wav'), 600, 2), durationMs: 2000 };
    const lp = new LongPlay({ dir: join(dir, 'cache'), log: memoryLogger(), minMs: 4000, marginMs: 2000 });
    const made = await lp.compose(readBack, hold);
    const kept = [await lp.compose(other, hold), await lp.compose(null, hold)];
    await lp.discardMadeFrom(readBack.path);
    const left = await readdir(join(dir, 'cache'));
    expect(left).not.toContain(made!.path.split('/').pop());
    expect(left.sort()).toEqual(kept.map((f) => f!.path.split('/').pop()).sort());
  });

  it('keeps at most maxFiles, the least recently used removed', async () => {
    const lp = new LongPlay({ dir: join(dir, 'cache'), log: memoryLogger(), minMs: 1000, marginMs: 500, maxFiles: 2 });
    for (const hz of [300, 400, 500]) await lp.compose(null, { path: toneFile(join(dir, `h${hz}.wav`), hz, 0.5), durationMs: 500 });
    expect(await readdir(join(dir, 'cache'))).toHaveLength(2);
  });

  it('refuses, by file name, what is not 16-bit PCM WAV and a prompt whose rate differs from the hold audio', async () => {
    const lp = new LongPlay({ dir: join(dir, 'cache'), log: memoryLogger(), minMs: 1000, marginMs: 500 });
    const text = join(dir, 'notes.wav');
    spawnSync('sh', ['-c', `echo hello > ${text}`]);
    await expect(lp.compose(null, { path: text, durationMs: 1 })).rejects.toThrow(/notes\.wav.*not a RIFF\/WAVE file/);
    const wide = join(dir, 'wide.wav');
    spawnSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', wide, 'synth', '1', 'sine', '500']);
    const hold = { path: toneFile(join(dir, 'hold.wav'), 600, 1), durationMs: 1000 };
    await expect(lp.compose({ path: wide, durationMs: 1000 }, hold)).rejects.toThrow(/hold\.wav.*8000 Hz\/1 ch, the prompt 16000 Hz/);
  });
});
