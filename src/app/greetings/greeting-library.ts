/**
 * The greeting use cases (SPEC R3, R4, R6, R13; issue 7): import a recording or speak a text into a greeting
 * slot, make the built-in files a fresh unit needs, and answer the SIP side's questions: which file greets a
 * caller now, what a held or queued caller hears, what a caller hears before a transfer.
 *
 * Slots: the bands (morning, afternoon, evening, out-of-hours), `holiday` (any holiday), each configured
 * holiday's name, and the announcements `hold-thanks`, `please-hold`, `hold-music`. A slot without the
 * installer's file falls back to the built-in one (src/app/greetings/builtin-texts.ts, the config's texts).
 */
import { randomUUID } from 'node:crypto';
import { access, constants, rm, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { dayCalendar, type GreetingsConfig, type Voice } from '../../config/greetings-schema.ts';
import { BadInputError, GreetingFileError } from '../../core/errors.ts';
import {
  GREETING_BANDS, LUNCH_SLOT, dayPlan, greetingChoiceAt, withDeskMode, type DayCalendar, type DaySegment, type DeskMode, type GreetingBand, type Holiday,
} from '../../core/greeting-choice.ts';
import type { Clock } from '../../ports/clock.ts';
import type { GreetingAudio } from '../../ports/greeting-audio.ts';
import type { Logger } from '../../ports/logger.ts';
import { HOLD_MUSIC_MAX_MS, MAX_MS, checkGreetingAudio } from './acceptance.ts';
import { BUILTIN_GREETINGS } from './builtin-texts.ts';
import { GreetingStore, type AudioAsset, type StoredFile } from './greeting-store.ts';
import { localMoment } from './local-time.ts';
import { SpokenOnce } from './spoken-once.ts';

export const ANNOUNCEMENT_SLOTS = ['hold-thanks', 'please-hold', 'hold-music'] as const;
export type AnnouncementSlot = (typeof ANNOUNCEMENT_SLOTS)[number];

/** The file that greets a caller, and why it was chosen. */
export interface GreetingPick extends AudioAsset {
  slot: string;
  band: GreetingBand;
  holiday: string | null;
  builtin: boolean;
}

export interface TodaySegment extends DaySegment {
  /** The file that serves the segment, or null if none exists (the built-ins could not be made). */
  served: StoredFile | null;
  servedBy: string | null;
}

export interface GreetingListing {
  date: string;
  weekday: number;
  timeZone: string;
  holiday: string | null;
  /** Today's mode as the receptionist set it on the page (issue 20 item 5); `open` when no desk is attached. */
  mode: DeskMode;
  /** The segment serving now. */
  now: TodaySegment;
  today: TodaySegment[];
  /** Every slot with the installer's file, or null, and its built-in if it has one. */
  slots: { slot: string; file: StoredFile | null; hasBuiltin: boolean; builtin: StoredFile | null }[];
}

/** What the receptionist set from the page (issue 20 item 5: src/app/desk/desk-settings.ts). */
export interface DeskCalendar {
  modeAt(instantMs: number): DeskMode;
  calendarHolidays(): Holiday[];
}

export interface GreetingLibraryOptions {
  /** `<dataDir>/greetings` */
  dir: string;
  config: GreetingsConfig;
  timeZone: string;
  audio: GreetingAudio;
  clock: Clock;
  logger: Logger;
}

const BUILTIN_VOICE: Voice = 'zh';
/** The whisper's words for a caller who gave neither name nor number ("an outside call"). */
const WHISPER_UNKNOWN_CALLER = '外线';
const MAX_TEXT = 500;

export class GreetingLibrary {
  readonly store: GreetingStore;
  /** R13 "Transferring you to <name>", kept under transfer/ (a changed config's texts: a new one). */
  private transfers: SpokenOnce;
  private making: Promise<string[]> = Promise.resolve([]);
  private closed = false;
  private desk: DeskCalendar | null = null;

  constructor(private opts: GreetingLibraryOptions) {
    this.store = new GreetingStore(opts.dir);
    this.transfers = new SpokenOnce(this.store, opts.audio, 'transfer');
  }

  /** Every slot name `greeting import` / `greeting say` accept (`lunch`: today's mode lunch, issue 20). */
  slots(): string[] {
    return [...GREETING_BANDS, 'holiday', LUNCH_SLOT, ...this.opts.config.holidays.map((h) => h.name), ...ANNOUNCEMENT_SLOTS];
  }

  /** Today's mode and the holidays added from the page join the choice from the next call on (issue 20 item 5). */
  attachDesk(desk: DeskCalendar): void {
    this.desk = desk;
  }

  /** The config's calendar with the page's holidays after the config's (the first listed wins). */
  private calendar(): DayCalendar {
    const calendar = dayCalendar(this.opts.config);
    return this.desk ? { ...calendar, holidays: [...calendar.holidays, ...this.desk.calendarHolidays()] } : calendar;
  }

  /** Converts an audio file into a slot; refuses, naming the file and the reason, anything unfit. */
  async importFile(file: string, slot: string): Promise<StoredFile> {
    this.checkSlot(slot);
    const input = resolve(file);
    await checkReadable(input, file);
    const stored = await this.store.replace(
      this.store.slotPath(slot),
      // Decode just past the limit: enough to tell "too long" without converting an hour of audio.
      (tmp) => this.opts.audio.convert(input, tmp, file, maxFor(slot) + 1000),
      () => ({ source: 'import', from: basename(input), createdAt: this.stamp() }),
      (m) => checkGreetingAudio(file, m, maxFor(slot)),
    );
    this.opts.logger.info({ slot, from: basename(input), durationMs: stored.durationMs }, 'greeting imported');
    return stored;
  }

  /** Speaks a text into a slot with espeak-ng. */
  async say(text: string, slot: string, voice: Voice = this.opts.config.voice): Promise<StoredFile> {
    this.checkSlot(slot);
    const spoken = checkText(text, 'text');
    const stored = await this.store.replace(
      this.store.slotPath(slot),
      (tmp) => this.opts.audio.speak(spoken, voice, tmp),
      () => ({ source: 'say', text: spoken, voice, createdAt: this.stamp() }),
      (m) => checkGreetingAudio(`"${spoken}"`, m, maxFor(slot)),
    );
    this.opts.logger.info({ slot, voice, durationMs: stored.durationMs }, 'greeting spoken');
    return stored;
  }

  /**
   * A greeting made from the page before it serves (issue 20 item 5): an uploaded file or a text spoken with
   * espeak-ng, converted and accepted as a greeting is (1 s to 60 s, not silent), under `<dataDir>/greetings/drafts/`.
   */
  async makeDraft(id: string, source: { file: string; label: string } | { text: string; voice?: Voice }): Promise<StoredFile> {
    const path = this.store.cachePath('drafts', id);
    if ('file' in source)
      return this.store.replace(
        path,
        (tmp) => this.opts.audio.convert(source.file, tmp, source.label, MAX_MS + 1000),
        () => ({ source: 'import', from: source.label, createdAt: this.stamp() }),
        (m) => checkGreetingAudio(source.label, m, MAX_MS),
      );
    const spoken = checkText(source.text, 'body.text');
    const voice = source.voice ?? this.opts.config.voice;
    return this.store.replace(
      path,
      (tmp) => this.opts.audio.speak(spoken, voice, tmp),
      () => ({ source: 'say', text: spoken, voice, createdAt: this.stamp() }),
      (m) => checkGreetingAudio(`"${spoken}"`, m, MAX_MS),
    );
  }

  /** The file a slot plays now: the one put there, else its built-in (bands), else null. */
  async serving(slot: string): Promise<StoredFile | null> {
    this.checkSlot(slot);
    return (await this.store.read(this.store.slotPath(slot))) ?? (await this.store.read(this.store.builtinPath(slot)));
  }

  /** Removes the installer's file from a slot, so the fallback (in the end the built-in) serves again. */
  async remove(slot: string): Promise<StoredFile | null> {
    this.checkSlot(slot);
    const path = this.store.slotPath(slot);
    const removed = await this.store.read(path);
    await this.store.remove(path);
    if (removed) this.opts.logger.info({ slot }, 'greeting removed');
    return removed;
  }

  /**
   * Makes every built-in file that is missing or out of date (texts changed in config). Each failure is
   * logged and reported; the others are still made. Returns the names that could not be made.
   */
  ensureBuiltins(): Promise<string[]> {
    this.making = this.makeBuiltins();
    return this.making;
  }

  /**
   * A saved config's greeting settings, live (src/app/live-config.ts): bands, working days, holidays, voice and
   * announcement texts serve from the next call on; built-ins whose text changed are re-made after any being made
   * now. Resolves with the names that could not be made.
   */
  reconfigure(config: GreetingsConfig): Promise<string[]> {
    this.opts = { ...this.opts, config };
    this.transfers = new SpokenOnce(this.store, this.opts.audio, 'transfer');
    this.making = this.making.catch(() => []).then(() => this.makeBuiltins());
    return this.making;
  }

  /** Settles when the built-ins being made (ensureBuiltins) are done. */
  async whenReady(): Promise<void> {
    await this.making;
  }

  /** Stops making built-ins after the one in progress (the unit is stopping) and waits for it. */
  async close(): Promise<void> {
    this.closed = true;
    await this.making.catch(() => {});
  }

  private async makeBuiltins(): Promise<string[]> {
    const { announcements, voice } = this.opts.config;
    const wanted: [string, Voice | null, string | null][] = [
      ...GREETING_BANDS.map((b): [string, Voice, string] => [b, BUILTIN_VOICE, BUILTIN_GREETINGS[b]]),
      ['hold-thanks', voice, announcements.holdThanks],
      ['please-hold', voice, announcements.pleaseHold],
      ['hold-music', null, null],
    ];
    const failed: string[] = [];
    // One at a time: the unit shares a small CPU with the SIP stack.
    for (const [name, v, text] of wanted) {
      if (this.closed) break;
      try {
        await this.ensureBuiltin(name, v, text);
      } catch (err) {
        failed.push(name);
        this.opts.logger.error({ err, builtin: name }, `built-in ${name} could not be made`);
      }
    }
    return failed;
  }

  /** The greeting for a caller answered at `instantMs` (wall clock), or null if no file exists at all. */
  async greetingFor(instantMs: number): Promise<GreetingPick | null> {
    const segment = greetingChoiceAt(this.calendar(), localMoment(instantMs, this.opts.timeZone), this.desk?.modeAt(instantMs) ?? 'open');
    const served = await this.serve(segment);
    if (!served.file) return null;
    return {
      path: served.file.path,
      durationMs: served.file.durationMs,
      slot: served.slot,
      band: segment.band,
      holiday: segment.holiday,
      builtin: served.file.meta.source === 'builtin',
    };
  }

  /** "Thank you for waiting": to a held caller at each check-in (SPEC R4). */
  holdAnnouncement(): Promise<AudioAsset | null> {
    return this.announcement('hold-thanks');
  }

  /** "Please hold": to a second caller answered after the ring budget (SPEC R6). */
  pleaseHold(): Promise<AudioAsset | null> {
    return this.announcement('please-hold');
  }

  /** What a held caller hears between announcements (SPEC R4). */
  holdMusic(): Promise<AudioAsset | null> {
    return this.announcement('hold-music');
  }

  /**
   * "Transferring you to <name>" (SPEC R13), made with espeak-ng on first use and kept under
   * `<dataDir>/greetings/transfer/`; the same name and text reuse the file.
   */
  transferAnnouncementFor(name: string): Promise<AudioAsset> {
    const colleague = checkText(name, 'name');
    const text = this.opts.config.announcements.transferring.replaceAll('{name}', colleague);
    return this.transfers.file(text, this.opts.config.voice);
  }

  /**
   * R13: what the unit whispers to the colleague before a consult transfer it announces ("<caller> 来电，按 1 接通，按
   * 2 请对方留言"): a number is spoken digit by digit. The file names the caller (personal data): it is made for
   * one consult under `<dataDir>/greetings/whisper/` and removed with discardWhisper once the consult is over.
   */
  async whisperFor(caller: string | null): Promise<AudioAsset> {
    const words = caller === null ? WHISPER_UNKNOWN_CALLER : /^\+?[\d\s-]+$/.test(caller) ? caller.replace(/[^\d]/g, '').split('').join(' ') : caller;
    const text = this.opts.config.announcements.whisper.replaceAll('{caller}', checkText(words, 'caller'));
    const file = await this.store.replace(
      this.store.cachePath('whisper', randomUUID()),
      (tmp) => this.opts.audio.speak(text, this.opts.config.voice, tmp),
      () => ({ source: 'say', createdAt: this.stamp() }),
    );
    return { path: file.path, durationMs: file.durationMs };
  }

  /** Removes a whisper made by whisperFor (its consult is over). */
  async discardWhisper(file: { path: string }): Promise<void> {
    await this.store.remove(file.path);
  }

  /** Removes every whisper left by a unit that stopped during a consult (at start). */
  async discardAllWhispers(): Promise<void> {
    await rm(dirname(this.store.cachePath('whisper', 'x')), { recursive: true, force: true });
  }

  /** Today's plan (which file serves which band) and every slot's file, for `greeting list`. */
  async listing(instantMs = this.opts.clock.now()): Promise<GreetingListing> {
    const moment = localMoment(instantMs, this.opts.timeZone);
    const calendar = this.calendar();
    const mode = this.desk?.modeAt(instantMs) ?? 'open';
    const today: TodaySegment[] = [];
    for (const planned of dayPlan(calendar, moment.date, moment.weekday)) {
      const segment = withDeskMode(planned, mode);
      const served = await this.serve(segment);
      today.push({ ...segment, served: served.file, servedBy: served.file ? served.slot : null });
    }
    const slots = [];
    for (const slot of this.slots()) {
      const hasBuiltin = (GREETING_BANDS as readonly string[]).includes(slot) || (ANNOUNCEMENT_SLOTS as readonly string[]).includes(slot);
      slots.push({
        slot,
        file: await this.store.read(this.store.slotPath(slot)),
        hasBuiltin,
        builtin: hasBuiltin ? await this.store.read(this.store.builtinPath(slot)) : null,
      });
    }
    const now = today.find((s) => s.from <= moment.minute && moment.minute < s.to) ?? today[today.length - 1]!;
    return { date: moment.date, weekday: moment.weekday, timeZone: this.opts.timeZone, holiday: now.holiday, mode, now, today, slots };
  }

  private async serve(segment: DaySegment): Promise<{ slot: string; file: StoredFile | null }> {
    for (const slot of segment.slots) {
      const file = await this.store.read(this.store.slotPath(slot));
      if (file) return { slot, file };
    }
    return { slot: `builtin:${segment.band}`, file: await this.store.read(this.store.builtinPath(segment.band)) };
  }

  private async announcement(slot: AnnouncementSlot): Promise<AudioAsset | null> {
    const file = (await this.store.read(this.store.slotPath(slot))) ?? (await this.store.read(this.store.builtinPath(slot)));
    return file && { path: file.path, durationMs: file.durationMs };
  }

  private async ensureBuiltin(name: string, voice: Voice | null, text: string | null): Promise<void> {
    const path = this.store.builtinPath(name);
    const current = await this.store.read(path);
    if (current && current.meta.text === (text ?? undefined) && current.meta.voice === (voice ?? undefined)) return;
    const { audio } = this.opts;
    await this.store.replace(
      path,
      (tmp) => (text === null || voice === null ? audio.holdMusic(tmp) : audio.speak(text, voice, tmp)),
      () => ({ source: 'builtin', ...(text === null ? {} : { text }), ...(voice === null ? {} : { voice }), createdAt: this.stamp() }),
    );
    this.opts.logger.info({ builtin: name }, 'built-in greeting made');
  }

  private checkSlot(slot: string): void {
    const slots = this.slots();
    if (!slots.includes(slot)) throw new BadInputError('--as', `unknown greeting "${slot}"; one of: ${slots.join(', ')}`);
  }

  private stamp(): string {
    return new Date(this.opts.clock.now()).toISOString();
  }
}

function maxFor(slot: string): number {
  return slot === 'hold-music' ? HOLD_MUSIC_MAX_MS : MAX_MS;
}

function checkText(text: string, field: string): string {
  const t = text.trim();
  if (!t) throw new BadInputError(field, 'is empty');
  if (t.length > MAX_TEXT) throw new BadInputError(field, `is ${t.length} characters long, at most ${MAX_TEXT}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(t)) throw new BadInputError(field, 'contains control characters');
  return t;
}

/** Missing, a directory, empty or unreadable: refused before sox runs, naming the file. */
async function checkReadable(path: string, label: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new GreetingFileError(label, code === 'ENOENT' ? 'missing: no such file' : `unreadable (${code ?? String(err)})`);
  }
  if (!info.isFile()) throw new GreetingFileError(label, 'unreadable: not a regular file');
  if (info.size === 0) throw new GreetingFileError(label, 'unreadable: the file is empty');
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new GreetingFileError(label, 'unreadable: permission denied');
  }
}
