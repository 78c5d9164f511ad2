/**
 * Call recording (issue 20 item 4) on baresip's `sndfile` module (1.0.0; 1.1.0's is the same but for its frame
 * size): once a call's audio starts, sndfile opens two WAV files under `snd_path`, named only by the local time to
 * the second: `dump-YYYY-MM-DD-HH-MM-SS-dec.wav` (what the caller sends, decoded) and `…-enc.wav` (what the call
 * sends the caller, before encoding), and writes every frame until the call ends. It does so for every call
 * (auto-answered, consult legs, voice messages), and two calls whose audio starts in the same second would open
 * the same names. So at each CALL_ESTABLISHED (audio starts just before it: the answer's SDP) the new pair is
 * renamed at once to a name of the call's own: baresip keeps writing through its open descriptors, and a later
 * call in the same second gets fresh files. At the call's end the pair is handed on (or removed); the WAV headers
 * may not be final yet, so readers take the data to the end of the file (sox --ignore-length).
 * Reads config keys: none (the folder is the line's). Pins: none.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../../ports/logger.ts';

/** sndfile's own names. */
export const DUMP_NAME = /^dump-(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})-(enc|dec)\.wav$/;

/** A sndfile stamp (local time) as milliseconds, read as if UTC: only differences count. */
function stampMs(stamp: string): number {
  const [y, mo, d, h, mi, s] = stamp.split('-').map(Number);
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
}

export interface CallDumpFiles {
  /** What the caller said (sndfile's decode side). */
  caller: string;
  /** What the caller heard: the notice, hold audio, the handset's microphone (sndfile's encode side). */
  desk: string;
}

/** The file names a call's pair gets (a hash: Call-IDs may hold any character). */
export function claimedNames(callId: string): { caller: string; desk: string } {
  const key = createHash('sha256').update(callId).digest('hex').slice(0, 20);
  return { caller: `call-${key}-caller.wav`, desk: `call-${key}-desk.wav` };
}

export class CallDumps {
  private readonly claimed = new Map<string, CallDumpFiles>();
  private readonly pending = new Set<string>();
  private readonly closedEarly = new Set<string>();
  /** Claims run one at a time, in event order. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  /** Before baresip starts: an empty private folder (dumps left by a unit that stopped mid-call go). */
  async reset(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.claimed.clear();
    this.pending.clear();
    this.closedEarly.clear();
  }

  /** The call's audio has started: its pair is the newest unclaimed one. Resolves once renamed. */
  established(callId: string): Promise<void> {
    if (this.claimed.has(callId) || this.pending.has(callId)) return this.chain.then(() => undefined);
    this.pending.add(callId);
    const run = this.chain.then(() => this.claim(callId));
    this.chain = run.catch(() => undefined);
    return run.catch((err: unknown) => {
      this.pending.delete(callId);
      this.log.error({ err: (err as Error).message, callId }, 'call recording: its audio files not found');
    });
  }

  private async claim(callId: string): Promise<void> {
    const names = await readdir(this.dir);
    const stamps = new Set<string>();
    for (const n of names) {
      const m = DUMP_NAME.exec(n);
      if (m?.[1]) stamps.add(m[1]);
    }
    const newest = [...stamps].sort().at(-1);
    if (!newest) throw new Error('sndfile wrote no files for this call');
    if (stamps.size > 1) this.log.warn({ callId, pairs: stamps.size }, 'call recording: several new sndfile pairs at once; the newest is taken');
    const own = claimedNames(callId);
    const files = { caller: join(this.dir, own.caller), desk: join(this.dir, own.desk) };
    await rename(join(this.dir, `dump-${newest}-dec.wav`), files.caller);
    await rename(join(this.dir, `dump-${newest}-enc.wav`), files.desk);
    this.pending.delete(callId);
    // A call that ended before its pair was renamed: nobody takes it over.
    if (this.closedEarly.delete(callId)) await CallDumps.remove(files);
    else this.claimed.set(callId, files);
    // A pair a minute older than the newest belongs to no call that is starting now (its start was never seen).
    for (const stamp of stamps) {
      if (stampMs(stamp) >= stampMs(newest) - 60_000) continue;
      await Promise.all(['dec', 'enc'].map((side) => rm(join(this.dir, `dump-${stamp}-${side}.wav`), { force: true })));
    }
  }

  /** Whether the call's pair is its own by now. */
  has(callId: string): boolean {
    return this.claimed.has(callId);
  }

  /**
   * The call ended: its pair (the caller of this takes it over: keeps or removes it), or null when it had none
   * yet (a pair still being claimed is removed then).
   */
  closed(callId: string): CallDumpFiles | null {
    const files = this.claimed.get(callId) ?? null;
    this.claimed.delete(callId);
    if (!files && this.pending.has(callId)) this.closedEarly.add(callId);
    return files;
  }

  /** Settles once every claim asked for so far is done (tests). */
  settled(): Promise<unknown> {
    return this.chain;
  }

  /** Removes a call's pair (a call that is not recorded: consult legs, voice messages, auto-answered only). */
  static async remove(files: CallDumpFiles): Promise<void> {
    await Promise.all([rm(files.caller, { force: true }), rm(files.desk, { force: true })]);
  }

  /** Unclaimed dumps (a call whose establishment was never seen): removed. */
  async sweep(): Promise<number> {
    let n = 0;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!DUMP_NAME.test(name)) continue;
      await rm(join(this.dir, name), { force: true });
      n++;
    }
    return n;
  }
}
