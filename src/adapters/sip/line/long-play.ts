/**
 * Audio a caller hears that cannot run out before the unit's next switch, however late that switch comes.
 * baresip's aufile source reads its whole file when switched to, and hangs the call up when the file is spent
 * (1.0.0 and 1.1.0: modules/aufile, "end of file"); an endless stream (a FIFO) would block baresip's main thread
 * in that read. So the unit plays long files it composes itself: a prompt followed by the hold audio looped up to
 * `minMs` (or by `marginMs` of silence), and switches to the hold audio again at a loop boundary that leaves
 * `marginMs` of audio after it (or, after a prompt with no hold audio, to the line's silent source at its end). A switch that comes late (a loaded event loop, a slow control link) or fails and is retried still
 * lands before the end; the caller hears the loop go on without a seam when it is on time.
 * Files live in one cache directory, named by what they are made of, written whole then renamed, checked by size
 * before reuse; the least recently used beyond `maxFiles` are removed (baresip holds what it plays in memory).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError } from '../../../core/errors.ts';
import type { Logger } from '../../../ports/logger.ts';
import type { PromptFile } from '../../../ports/sip-line.ts';
import { readWavInfo, WAV_HEADER_BYTES, wavHeader, wavMs, type WavFormat } from '../wav.ts';

/** A composed file and when to switch away from it. */
export interface LongPlayFile {
  path: string;
  /** ms of audio in the file. */
  durationMs: number;
  /** ms from its start at which the next switch is due: the prompt's end or a loop boundary, `marginMs` before the end. */
  switchAtMs: number;
  /** What the caller hears from then on: the hold audio again (a new long file), or silence (no hold audio). */
  then: 'hold' | 'silence';
}

export interface LongPlayOptions {
  dir: string;
  log: Logger;
  /** The least audio a composed file holds (ms). */
  minMs?: number;
  /** The least audio left after the switch point (ms): how late a switch may come. */
  marginMs?: number;
  maxFiles?: number;
}

/** Defaults: a switch may come 30 s late; a held caller costs baresip about 1 MB (60 s of 8 kHz 16-bit audio). */
export const LONG_PLAY_MIN_MS = 60_000;
export const LONG_PLAY_MARGIN_MS = 30_000;

interface Samples {
  format: WavFormat;
  data: Buffer;
}

export class LongPlay {
  private readonly minMs: number;
  private readonly marginMs: number;
  private readonly maxFiles: number;
  private readonly making = new Map<string, Promise<LongPlayFile>>();
  /** The files composed with each prompt (by the prompt's path), for discardMadeFrom. */
  private readonly madeFrom = new Map<string, Set<string>>();

  constructor(private readonly opts: LongPlayOptions) {
    this.minMs = opts.minMs ?? LONG_PLAY_MIN_MS;
    this.marginMs = opts.marginMs ?? LONG_PLAY_MARGIN_MS;
    this.maxFiles = opts.maxFiles ?? 24;
  }

  /**
   * `prompt` once, then `loop` repeated (silence without one); null when both are null (the line's silent
   * source never ends). Rejects with BadInputError naming the file when a file is not 16-bit PCM WAV or the two
   * differ in rate or channels.
   */
  async compose(prompt: PromptFile | null, loop: PromptFile | null): Promise<LongPlayFile | null> {
    if (!prompt && !loop) return null;
    const key = await this.keyOf(prompt, loop);
    if (prompt) {
      const made = this.madeFrom.get(prompt.path) ?? new Set<string>();
      made.add(join(this.opts.dir, `${key}.wav`));
      this.madeFrom.set(prompt.path, made);
    }
    const pending = this.making.get(key);
    if (pending) return pending;
    const made = this.make(key, prompt, loop).finally(() => this.making.delete(key));
    this.making.set(key, made);
    return made;
  }

  /**
   * Removes every file composed with the prompt at `path` (a prompt that names a caller, e.g. their number read
   * back: it must not outlive the prompt). baresip has read a file whole when it started playing it.
   */
  async discardMadeFrom(path: string): Promise<void> {
    const made = this.madeFrom.get(path);
    this.madeFrom.delete(path);
    for (const file of made ?? []) await unlink(file).catch(() => undefined);
  }

  private async make(key: string, prompt: PromptFile | null, loop: PromptFile | null): Promise<LongPlayFile> {
    const [p, l] = await Promise.all([prompt && samplesOf(prompt.path), loop && samplesOf(loop.path)]);
    const format = (p ?? l)!.format;
    if (p && l && (p.format.sampleRate !== l.format.sampleRate || p.format.channels !== l.format.channels)) {
      throw new BadInputError(loop!.path, `hold audio is ${l.format.sampleRate} Hz/${l.format.channels} ch, the prompt ${p.format.sampleRate} Hz/${p.format.channels} ch`);
    }
    const bytesPerMs = (2 * format.channels * format.sampleRate) / 1000;
    const promptBytes = p?.data.length ?? 0;
    const parts: Buffer[] = p ? [p.data] : [];
    let switchAtBytes: number;
    if (l && l.data.length > 0) {
      const loopBytes = l.data.length;
      const needBytes = Math.max(this.minMs * bytesPerMs - promptBytes, this.marginMs * bytesPerMs, 1);
      // Without a prompt the first switch is a loop boundary after at least one loop.
      const loops = Math.max(Math.ceil(needBytes / loopBytes), p ? 1 : 1 + Math.ceil((this.marginMs * bytesPerMs) / loopBytes));
      for (let i = 0; i < loops; i++) parts.push(l.data);
      const total = promptBytes + loops * loopBytes;
      const last = Math.floor((total - this.marginMs * bytesPerMs - promptBytes) / loopBytes);
      switchAtBytes = promptBytes + Math.max(p ? 0 : 1, Math.min(last, loops - (p ? 0 : 1))) * loopBytes;
    } else {
      // No hold audio: the prompt, then silence for the margin while the switch to the line's silent source (which
      // never ends) is due.
      const silence = Math.ceil(this.marginMs * bytesPerMs);
      parts.push(Buffer.alloc(silence - (silence % (2 * format.channels))));
      switchAtBytes = promptBytes;
    }
    const dataBytes = parts.reduce((n, b) => n + b.length, 0);
    const path = join(this.opts.dir, `${key}.wav`);
    const file: LongPlayFile = {
      path,
      durationMs: wavMs(format, dataBytes),
      switchAtMs: wavMs(format, switchAtBytes),
      then: l && l.data.length > 0 ? 'hold' : 'silence',
    };
    // Made before (every switch of a held call asks again): nothing to write.
    if (await this.reusable(path, WAV_HEADER_BYTES + dataBytes)) return file;
    await mkdir(this.opts.dir, { recursive: true });
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, Buffer.concat([wavHeader(format, dataBytes), ...parts]));
    await rename(temp, path);
    this.opts.log.debug({ path, durationMs: Math.round(file.durationMs), switchAtMs: Math.round(file.switchAtMs) }, 'long-play audio composed');
    await this.prune(path);
    return file;
  }

  /** A name for what the file is made of (each source's path, size and change time) and how long it is made. */
  private async keyOf(prompt: PromptFile | null, loop: PromptFile | null): Promise<string> {
    const parts = [String(this.minMs), String(this.marginMs)];
    for (const f of [prompt, loop]) {
      if (!f) {
        parts.push('-');
        continue;
      }
      const st = await stat(f.path);
      parts.push(f.path, String(st.size), String(st.mtimeMs));
    }
    return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24);
  }

  /** An earlier file of this name, whole (a cut file would run out early): reused, and marked recently used. */
  private async reusable(path: string, bytes: number): Promise<boolean> {
    try {
      if ((await stat(path)).size !== bytes) return false;
      const now = new Date();
      await utimes(path, now, now);
      return true;
    } catch {
      return false;
    }
  }

  private async prune(keep: string): Promise<void> {
    try {
      const names = (await readdir(this.opts.dir)).filter((n) => n.endsWith('.wav'));
      if (names.length <= this.maxFiles) return;
      const aged = await Promise.all(names.map(async (n) => ({ path: join(this.opts.dir, n), mtime: (await stat(join(this.opts.dir, n))).mtimeMs })));
      aged.sort((a, b) => a.mtime - b.mtime);
      for (const f of aged.slice(0, aged.length - this.maxFiles)) if (f.path !== keep) await unlink(f.path).catch(() => undefined);
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message, dir: this.opts.dir }, 'old long-play audio not removed');
    }
  }
}

async function samplesOf(path: string): Promise<Samples> {
  const buf = await readFile(path);
  const info = readWavInfo(buf, path);
  return { format: info, data: buf.subarray(info.dataOffset, info.dataOffset + info.dataBytes) };
}
