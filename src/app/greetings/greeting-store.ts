/**
 * Where greeting and announcement files live under `<dataDir>/greetings/`, and how they are replaced:
 *   <slot>.wav + <slot>.json      the installer's files (`greeting import` / `greeting say`), by slot name
 *   builtin/<name>.wav + .json    made by the unit at start (Mandarin placeholders, announcements, hold music)
 *   transfer/<hash>.wav + .json   "transferring you to <name>", made on first use and kept
 * A new file is written beside its final name and renamed over it, so baresip never plays half a file; the
 * .json beside each file says where it came from and how long the file is. Durable across a power cut: the audio
 * is fsynced, renamed and its directory fsynced before its description is written the same way, so a description
 * never names audio that is not on disk (a cut in between leaves the new audio with the old description, whose
 * length may be wrong by the difference; the next replace fixes it).
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDirectory } from '../../adapters/state/durable-file-adapter.ts';
import { makeDirOwned, ownLikeParent } from '../../adapters/support/owned-like-parent.ts';
import type { Voice } from '../../config/greetings-schema.ts';
import type { AudioMeasures } from '../../ports/greeting-audio.ts';

export type GreetingSource = 'import' | 'say' | 'builtin';

export interface GreetingMeta {
  source: GreetingSource;
  /** The imported file's name (no directory). */
  from?: string;
  text?: string;
  voice?: Voice;
  durationMs: number;
  peakDbfs: number | null;
  createdAt: string;
}

/** A playable file and its length (aufile hangs up at the end: switch the source before then). */
export interface AudioAsset {
  path: string;
  durationMs: number;
}

export interface StoredFile extends AudioAsset {
  meta: GreetingMeta;
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** How the store makes its writes durable (tests record the order). */
export interface StoreSync {
  /** Flushes a file's data to disk. */
  file(path: string): Promise<void>;
  /** Flushes a directory, so the renames in it are on disk. */
  dir(path: string): Promise<void>;
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

const DISK: StoreSync = { file: syncFile, dir: fsyncDirectory };

export class GreetingStore {
  constructor(
    readonly dir: string,
    private readonly sync: StoreSync = DISK,
  ) {}

  slotPath(slot: string): string {
    return join(this.dir, `${slot}.wav`);
  }

  builtinPath(name: string): string {
    return join(this.dir, 'builtin', `${name}.wav`);
  }

  cachePath(kind: string, key: string): string {
    return join(this.dir, kind, `${key}.wav`);
  }

  /**
   * Makes a new file at `path`: `produce` writes a temporary file and measures it, `accept` may refuse the
   * measures by throwing; only then does the file replace the old one.
   */
  async replace(
    path: string,
    produce: (tmp: string) => Promise<AudioMeasures>,
    describe: (m: AudioMeasures) => Omit<GreetingMeta, 'durationMs' | 'peakDbfs'>,
    accept: (m: AudioMeasures) => void = () => {},
  ): Promise<StoredFile> {
    // Made by `sudo deskphone greeting …` too: directories and files take the service's ownership (the data
    // directory's), so the running unit can still replace and remove them.
    await makeDirOwned(dirname(path), 0o750);
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const measures = await produce(tmp);
      accept(measures);
      const meta: GreetingMeta = {
        ...describe(measures),
        durationMs: measures.durationMs,
        peakDbfs: Number.isFinite(measures.peakDbfs) ? measures.peakDbfs : null,
      };
      await ownLikeParent(tmp);
      await this.sync.file(tmp);
      await rename(tmp, path);
      await this.sync.dir(dirname(path));
      const handle = await open(`${tmp}.json`, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(meta, null, 2)}\n`);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await ownLikeParent(`${tmp}.json`);
      await rename(`${tmp}.json`, metaPath(path));
      await this.sync.dir(dirname(path));
      return { path, durationMs: meta.durationMs, meta };
    } finally {
      await rm(tmp, { force: true });
      await rm(`${tmp}.json`, { force: true });
    }
  }

  /** Removes a file and its description (no error if absent). */
  async remove(path: string): Promise<void> {
    await rm(metaPath(path), { force: true });
    await rm(path, { force: true });
  }

  /** The file at `path` with its description, or null when either is missing or the description is unreadable. */
  async read(path: string): Promise<StoredFile | null> {
    try {
      const [meta] = await Promise.all([readFile(metaPath(path), 'utf8'), stat(path)]);
      const parsed = JSON.parse(meta) as GreetingMeta;
      if (typeof parsed.durationMs !== 'number') return null;
      return { path, durationMs: parsed.durationMs, meta: parsed };
    } catch (err) {
      if (isMissing(err) || err instanceof SyntaxError) return null;
      throw err;
    }
  }
}

function metaPath(wav: string): string {
  return wav.replace(/\.wav$/, '.json');
}
