/**
 * A desk the receptionist runs herself (issue 20 item 5): today's mode (open / lunch / closed), holidays added from
 * the page, and colleagues away until a time ("王经理 外出至 15:00"). Kept in a small durable state file of its own
 * (`<dataDir>/state/desk.json`, rewritten whole, fsynced, renamed: survives a power cut, as contacts.json does).
 *
 * Every change is audited: a `desk.changed` journal event (who: the token's role and name; when; what: kind and key;
 * old → new) that the upstream sync sends like any journal entry, and an entry in the desk's change list, which the
 * installer and IT read and undo. An undo is itself a change (the old value written back, `undoes` naming the change
 * undone), audited the same way. The list keeps the newest MAX_CHANGES; older changes stay in the journal.
 *
 * Today's mode holds for the local day it was set on (the unit's time zone); the next day starts `open`. An away
 * colleague is away until the time given, then by itself no longer (no timer: every read compares with the clock).
 * Changes run one at a time; a change the disk refuses leaves everything as it was.
 */
import { randomUUID } from 'node:crypto';
import PQueue from 'p-queue';
import { DateTime } from 'luxon';
import { NotFoundError } from '../../core/api-errors.ts';
import { BadInputError } from '../../core/errors.ts';
import type { DeskMode, Holiday } from '../../core/greeting-choice.ts';
import type { CallJournal } from '../../ports/call-journal.ts';
import type { Clock } from '../../ports/clock.ts';
import type { StateStore } from '../../ports/state-store.ts';

export const DESK_EVENT = 'desk.changed';
const KEY = 'desk';
/** Changes the list keeps (each is also in the journal). */
export const MAX_CHANGES = 1000;
/** How far ahead a colleague may be set away, and a holiday added. */
const AWAY_MAX_DAYS = 14;
const HOLIDAY_MAX_DAYS = 2 * 366;

/** What a change is about; `greeting` changes come from the greeting page (a slot's file). */
export type DeskChangeKind = 'mode' | 'holiday' | 'away' | 'greeting';

export interface DeskChange {
  id: string;
  at: string;
  /** `role:name` of the token (or `local`). */
  by: string;
  kind: DeskChangeKind;
  /** Which one: the mode's local date, the holiday's date, the colleague's name, the greeting's slot. */
  key: string;
  /** mode: the mode; holiday: its name ('' unnamed) or null when none; away: the ISO time or null; greeting: a version id or null. */
  old: string | null;
  new: string | null;
  /** The change this one undid, or null. */
  undoes: string | null;
}

export interface DeskHoliday {
  /** Local "YYYY-MM-DD". */
  date: string;
  /** What the receptionist called it ('' when she gave no name). */
  name: string;
}

export interface AwayColleague {
  name: string;
  /** UTC ISO time the colleague is back. */
  until: string;
  /** The same in the unit's time zone: "YYYY-MM-DD" and "HH:MM". */
  untilDate: string;
  untilTime: string;
}

interface DeskState {
  mode: { mode: DeskMode; date: string } | null;
  holidays: DeskHoliday[];
  away: { name: string; until: string }[];
  changes: DeskChange[];
}

/** Applies a greeting change (kind `greeting`) and tells its current value: the greeting page's part of undo. */
export interface GreetingVersions {
  current(slot: string): Promise<string | null>;
  restore(slot: string, version: string | null): Promise<void>;
}

export interface DeskSettingsDeps {
  store: StateStore;
  journal: CallJournal;
  clock: Clock;
  timeZone: string;
  /** The directory's own spelling of a colleague's name, or undefined when there is none by that name. */
  colleague: (name: string) => string | undefined;
  newId?: () => string;
}

const empty = (): DeskState => ({ mode: null, holidays: [], away: [], changes: [] });

function isState(v: unknown): v is DeskState {
  const s = v as DeskState;
  return typeof s === 'object' && s !== null && Array.isArray(s.holidays) && Array.isArray(s.away) && Array.isArray(s.changes);
}

export class DeskSettings {
  private state: DeskState = empty();
  private readonly queue = new PQueue({ concurrency: 1 });
  private readonly newId: () => string;
  private greetings: GreetingVersions | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: DeskSettingsDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  async open(): Promise<void> {
    await this.deps.store.open();
    const stored = this.deps.store.get(KEY);
    if (isState(stored)) this.state = structuredClone(stored);
  }

  close(): Promise<void> {
    return this.deps.store.close();
  }

  /** The greeting page's versions (part of undo for `greeting` changes). */
  attachGreetings(greetings: GreetingVersions): void {
    this.greetings = greetings;
  }

  /** Hear every change (the page's live stream, the greeting choice). Returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Today's mode at an instant (the local day it was set for; `open` on any other day). */
  modeAt(instantMs = this.deps.clock.now()): DeskMode {
    const m = this.state.mode;
    return m && m.date === this.localDate(instantMs) ? m.mode : 'open';
  }

  /** Holidays added from the page, by date. */
  holidays(): DeskHoliday[] {
    return [...this.state.holidays].sort((a, b) => a.date.localeCompare(b.date));
  }

  /** The holidays for the greeting choice: each is a one-day holiday served by the generic `holiday` greeting. */
  calendarHolidays(): Holiday[] {
    return this.state.holidays.map((h) => ({ name: 'holiday', from: h.date, to: h.date }));
  }

  /** The page-added holiday on the local date of an instant, or null. */
  holidayAt(instantMs = this.deps.clock.now()): DeskHoliday | null {
    const date = this.localDate(instantMs);
    return this.state.holidays.find((h) => h.date === date) ?? null;
  }

  /** Colleagues away now, by name. */
  away(instantMs = this.deps.clock.now()): AwayColleague[] {
    return this.state.away
      .filter((a) => Date.parse(a.until) > instantMs)
      .map((a) => this.showAway(a))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }

  /** The colleague's absence now, or null (the directory's name, any case). */
  awayNow(name: string, instantMs = this.deps.clock.now()): AwayColleague | null {
    const key = name.trim().toLowerCase();
    return this.away(instantMs).find((a) => a.name.toLowerCase() === key) ?? null;
  }

  /** The change list, newest first. */
  changes(): DeskChange[] {
    return [...this.state.changes].reverse();
  }

  setMode(mode: DeskMode, by: string): Promise<DeskChange> {
    return this.change(() => this.write('mode', this.localDate(this.deps.clock.now()), mode, by, null));
  }

  addHoliday(date: string, name: string, by: string): Promise<DeskChange> {
    return this.change(() => {
      const today = this.localDate(this.deps.clock.now());
      if (date < today) throw new BadInputError('body.date', `is before today (${today})`);
      const last = DateTime.fromISO(today, { zone: this.deps.timeZone }).plus({ days: HOLIDAY_MAX_DAYS }).toISODate() ?? today;
      if (date > last) throw new BadInputError('body.date', `is too far ahead: at most ${last}`);
      return this.write('holiday', date, name, by, null);
    });
  }

  removeHoliday(date: string, by: string): Promise<DeskChange> {
    return this.change(() => {
      if (!this.state.holidays.some((h) => h.date === date)) throw new NotFoundError('params.date', `no holiday added on ${date}`);
      return this.write('holiday', date, null, by, null);
    });
  }

  /**
   * Sets a colleague away until `until` ("HH:MM" today in the unit's time zone, or an ISO time with a zone), or
   * back (null). The name must be the directory's.
   */
  setAway(name: string, until: string | null, by: string): Promise<DeskChange> {
    return this.change(() => {
      const colleague = this.deps.colleague(name);
      if (colleague === undefined) throw new NotFoundError('body.name', `no colleague "${name}" in the directory`);
      if (until === null) {
        if (!this.awayNow(colleague)) throw new NotFoundError('body.name', `${colleague} is not set away`);
        return this.write('away', colleague, null, by, null);
      }
      return this.write('away', colleague, this.awayUntil(until), by, null);
    });
  }

  /** Records a greeting change made elsewhere (the greeting page already wrote the file). */
  recordGreeting(slot: string, old: string | null, now: string | null, by: string): Promise<DeskChange> {
    return this.change(() => this.record('greeting', slot, old, now, by, null));
  }

  /** Writes back the old value of change `id`: a new change, audited, naming the one it undoes. */
  undo(id: string, by: string): Promise<DeskChange> {
    return this.change(async () => {
      const c = this.state.changes.find((x) => x.id === id);
      if (!c) throw new NotFoundError('params.id', `no desk change with id "${id}" (the list keeps the newest ${MAX_CHANGES})`);
      if (c.kind === 'greeting') {
        if (!this.greetings) throw new NotFoundError('params.id', 'greetings cannot be changed on this unit');
        const current = await this.greetings.current(c.key);
        await this.greetings.restore(c.key, c.old);
        return this.record('greeting', c.key, current, c.old, by, c.id);
      }
      // A mode is undone for today: the day it was set on may be over.
      const key = c.kind === 'mode' ? this.localDate(this.deps.clock.now()) : c.key;
      return this.write(c.kind, key, c.old, by, c.id);
    });
  }

  private change<T>(run: () => Promise<T>): Promise<T> {
    return this.queue.add(run, { throwOnTimeout: true });
  }

  /** Applies a mode, holiday or away value, keeps the file, then records the change. */
  private async write(kind: Exclude<DeskChangeKind, 'greeting'>, key: string, value: string | null, by: string, undoes: string | null): Promise<DeskChange> {
    const before = structuredClone(this.state);
    const old = this.valueOf(kind, key);
    this.apply(kind, key, value);
    try {
      return await this.record(kind, key, old, value, by, undoes);
    } catch (err) {
      this.state = before;
      throw err;
    }
  }

  private valueOf(kind: Exclude<DeskChangeKind, 'greeting'>, key: string): string | null {
    if (kind === 'mode') return this.state.mode?.date === key ? this.state.mode.mode : 'open';
    if (kind === 'holiday') return this.state.holidays.find((h) => h.date === key)?.name ?? null;
    const a = this.state.away.find((x) => x.name === key);
    return a && Date.parse(a.until) > this.deps.clock.now() ? a.until : null;
  }

  private apply(kind: Exclude<DeskChangeKind, 'greeting'>, key: string, value: string | null): void {
    const s = this.state;
    if (kind === 'mode') s.mode = { mode: (value ?? 'open') as DeskMode, date: key };
    else if (kind === 'holiday') {
      s.holidays = s.holidays.filter((h) => h.date !== key);
      if (value !== null) s.holidays.push({ date: key, name: value });
    } else {
      const now = this.deps.clock.now();
      // Expired absences go with any change to the list.
      s.away = s.away.filter((a) => a.name !== key && Date.parse(a.until) > now);
      if (value !== null) s.away.push({ name: key, until: value });
    }
  }

  /** The state file first (what the unit does), then the journal event (what is synced and audited). */
  private async record(kind: DeskChangeKind, key: string, old: string | null, value: string | null, by: string, undoes: string | null): Promise<DeskChange> {
    const change: DeskChange = { id: this.newId(), at: new Date(this.deps.clock.now()).toISOString(), by, kind, key, old, new: value, undoes };
    const changes = [...this.state.changes, change].slice(-MAX_CHANGES);
    const next = { ...this.state, changes };
    await this.deps.store.set(KEY, next);
    this.state = next;
    await this.deps.journal.appendEvent({ type: DESK_EVENT, callId: null, at: change.at, changeId: change.id, kind, key, old, new: value, by, undoes });
    for (const l of this.listeners) l();
    return change;
  }

  private awayUntil(until: string): string {
    const zone = this.deps.timeZone;
    const now = DateTime.fromMillis(this.deps.clock.now(), { zone });
    const hm = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(until);
    const t = hm ? now.set({ hour: Number(hm[1]), minute: Number(hm[2]), second: 0, millisecond: 0 }) : DateTime.fromISO(until, { zone, setZone: false });
    if (!t.isValid) throw new BadInputError('body.until', 'must be a time "HH:MM" today, or an ISO-8601 time with a zone');
    if (t <= now) throw new BadInputError('body.until', `is not later than now (${now.toFormat('HH:mm')})`);
    if (t > now.plus({ days: AWAY_MAX_DAYS })) throw new BadInputError('body.until', `is more than ${AWAY_MAX_DAYS} days ahead`);
    return t.toUTC().toISO() ?? '';
  }

  private showAway(a: { name: string; until: string }): AwayColleague {
    const t = DateTime.fromISO(a.until, { zone: this.deps.timeZone });
    return { name: a.name, until: a.until, untilDate: t.toISODate() ?? '', untilTime: t.toFormat('HH:mm') };
  }

  private localDate(instantMs: number): string {
    return DateTime.fromMillis(instantMs, { zone: this.deps.timeZone }).toISODate() ?? '';
  }
}
