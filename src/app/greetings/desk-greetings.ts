/**
 * Greetings from the page (issue 20 item 5): the receptionist uploads a WAV or types a text for espeak-ng, hears the
 * result (a draft, under `<dataDir>/greetings/drafts/`, gone after an hour), and sets the band it serves: a time band,
 * `holiday` or `lunch`. Setting one is a desk change (`greeting`, audited like the mode: src/app/desk/desk-settings.ts)
 * whose old and new values are versions: copies of the slot's file under `<dataDir>/greetings/versions/`, named by a
 * hash of the audio, so an undo puts the old file back (or removes the slot's file, so the built-in serves again).
 * Versions no change in the desk's list names any more are removed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import PQueue from 'p-queue';
import { NotFoundError } from '../../core/api-errors.ts';
import { BadInputError, GreetingFileError } from '../../core/errors.ts';
import { GREETING_BANDS, LUNCH_SLOT } from '../../core/greeting-choice.ts';
import type { Voice } from '../../config/greetings-schema.ts';
import type { Clock } from '../../ports/clock.ts';
import type { DeskChange, DeskSettings, GreetingVersions } from '../desk/desk-settings.ts';
import type { GreetingLibrary } from './greeting-library.ts';
import type { StoredFile } from './greeting-store.ts';

/** The slots the page may set: the bands, any holiday, lunch. */
export const PAGE_SLOTS: readonly string[] = [...GREETING_BANDS, 'holiday', LUNCH_SLOT];
/** A draft not set within this time is removed. */
const DRAFT_TTL_MS = 60 * 60_000;
const ID = /^[0-9a-f-]{8,40}$/;

export interface PageSlot {
  slot: string;
  /** What serves the slot: the page's or the installer's file, or null when the built-in (or nothing) does. */
  file: { source: string; from: string | null; text: string | null; durationMs: number; createdAt: string } | null;
  /** Whether a built-in serves when the slot has no file of its own. */
  builtin: boolean;
}

export interface DeskGreetingsDeps {
  library: GreetingLibrary;
  desk: DeskSettings;
  clock: Clock;
  newId?: () => string;
}

/** A recording or text the greeting rules refuse (too short, too long, silent, unreadable): 400 naming the field. */
function refused(field: string): (err: unknown) => never {
  return (err) => {
    throw err instanceof GreetingFileError ? new BadInputError(field, err.reason) : err;
  };
}

/** The first bytes of a RIFF WAVE file. */
function isWav(bytes: Buffer): boolean {
  return bytes.length > 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WAVE';
}

export class DeskGreetings implements GreetingVersions {
  private readonly newId: () => string;
  /** One greeting set at a time. */
  private readonly queue = new PQueue({ concurrency: 1 });

  constructor(private readonly deps: DeskGreetingsDeps) {
    this.newId = deps.newId ?? randomUUID;
    deps.desk.attachGreetings(this);
  }

  private get store() {
    return this.deps.library.store;
  }

  /** The page's slots and what serves each, with the band serving now. */
  async list(): Promise<{ now: { band: string; holiday: string | null; slot: string | null }; slots: PageSlot[] }> {
    const pick = await this.deps.library.greetingFor(this.deps.clock.now());
    const slots: PageSlot[] = [];
    for (const slot of PAGE_SLOTS) {
      const own = await this.store.read(this.store.slotPath(slot));
      const m = own?.meta;
      slots.push({
        slot,
        file: m ? { source: m.source, from: m.from ?? null, text: m.text ?? null, durationMs: m.durationMs, createdAt: m.createdAt } : null,
        builtin: (GREETING_BANDS as readonly string[]).includes(slot),
      });
    }
    return { now: { band: pick?.band ?? 'out-of-hours', holiday: pick?.holiday ?? null, slot: pick?.slot ?? null }, slots };
  }

  /** A draft from an uploaded WAV (converted and accepted as any greeting). */
  async draftFromUpload(bytes: Buffer): Promise<{ id: string; durationMs: number }> {
    if (!isWav(bytes)) throw new BadInputError('body.file', 'is not a WAV file (RIFF/WAVE)');
    await this.pruneDrafts();
    const id = this.newId();
    const upload = join(this.store.dir, 'drafts', `${id}.upload`);
    await mkdir(join(this.store.dir, 'drafts'), { recursive: true, mode: 0o750 });
    await writeFile(upload, bytes, { mode: 0o640 });
    try {
      const made = await this.deps.library.makeDraft(id, { file: upload, label: 'the uploaded file' }).catch(refused('body.file'));
      return { id, durationMs: made.durationMs };
    } finally {
      await rm(upload, { force: true });
    }
  }

  /** A draft spoken from a text with espeak-ng. */
  async draftFromText(text: string, voice?: Voice): Promise<{ id: string; durationMs: number }> {
    await this.pruneDrafts();
    const id = this.newId();
    const made = await this.deps.library.makeDraft(id, { text, ...(voice ? { voice } : {}) }).catch(refused('body.text'));
    return { id, durationMs: made.durationMs };
  }

  /** A draft's file to play, or a 404 naming it. */
  async draft(id: string): Promise<StoredFile> {
    const file = ID.test(id) ? await this.store.read(this.store.cachePath('drafts', id)) : null;
    if (!file) throw new NotFoundError('params.id', `no greeting draft "${id}" (drafts are kept for an hour)`);
    return file;
  }

  /** The file a page slot plays now (its own, else the built-in), or a 404. */
  async serving(slot: string): Promise<StoredFile> {
    this.checkSlot(slot, 'params.slot');
    const file = await this.deps.library.serving(slot);
    if (!file) throw new NotFoundError('params.slot', `no greeting serves "${slot}" yet`);
    return file;
  }

  /** Makes a draft serve `slot`: a desk change (`greeting`), audited and undoable. */
  set(slot: string, draftId: string, by: string): Promise<DeskChange> {
    return this.queue.add(() => this.setNow(slot, draftId, by), { throwOnTimeout: true });
  }

  private async setNow(slot: string, draftId: string, by: string): Promise<DeskChange> {
    this.checkSlot(slot, 'params.slot');
    const draft = ID.test(draftId) ? await this.store.read(this.store.cachePath('drafts', draftId)) : null;
    if (!draft) throw new NotFoundError('body.draftId', `no greeting draft "${draftId}" (drafts are kept for an hour)`);
    const old = await this.current(slot);
    await this.copyInto(draft, this.store.slotPath(slot));
    const now = await this.current(slot);
    await this.store.remove(draft.path);
    const change = await this.deps.desk.recordGreeting(slot, old, now, by);
    await this.pruneVersions();
    return change;
  }

  /** GreetingVersions: the slot's own file kept as a version (its id), or null when it has none. */
  async current(slot: string): Promise<string | null> {
    const file = await this.store.read(this.store.slotPath(slot));
    if (!file) return null;
    const id = createHash('sha256').update(await readFile(file.path)).digest('hex').slice(0, 32);
    const path = this.store.cachePath('versions', id);
    if (!(await this.store.read(path))) await this.copyInto(file, path);
    return id;
  }

  /** GreetingVersions: puts a version back into the slot (null: removes the slot's file, so the built-in serves). */
  async restore(slot: string, version: string | null): Promise<void> {
    if (version === null) return this.store.remove(this.store.slotPath(slot));
    const file = ID.test(version) ? await this.store.read(this.store.cachePath('versions', version)) : null;
    if (!file) throw new NotFoundError('params.id', `the greeting of that change is no longer kept (version ${version})`);
    await this.copyInto(file, this.store.slotPath(slot));
  }

  private async copyInto(from: StoredFile, to: string): Promise<void> {
    const { durationMs, peakDbfs, ...rest } = from.meta;
    await this.store.replace(
      to,
      async (tmp) => {
        await copyFile(from.path, tmp);
        return { durationMs, peakDbfs: peakDbfs ?? -Infinity, rmsDbfs: peakDbfs ?? -Infinity };
      },
      () => rest,
    );
  }

  private checkSlot(slot: string, field: string): void {
    if (!PAGE_SLOTS.includes(slot)) throw new BadInputError(field, `the page sets ${PAGE_SLOTS.join(', ')}; "${slot}" is not one of them`);
  }

  private async pruneDrafts(): Promise<void> {
    const dir = join(this.store.dir, 'drafts');
    const cutoff = this.deps.clock.now() - DRAFT_TTL_MS;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }

  /** Keeps only the versions a change in the desk's list still names. */
  private async pruneVersions(): Promise<void> {
    const named = new Set(this.deps.desk.changes().flatMap((c) => (c.kind === 'greeting' ? [c.old, c.new] : [])));
    const dir = join(this.store.dir, 'versions');
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!named.has(name.replace(/\.(wav|json)$/, ''))) await rm(join(dir, name), { force: true });
    }
  }
}
