/**
 * R10: call-backs avoid quiet hours (12:00-14:00 and 22:00-06:30 by default), off weekdays and holidays, in the
 * unit's time zone. `nextAllowed(t)` is t itself when allowed, else the first allowed instant after it.
 * Time-zone arithmetic is luxon's (DST gaps and repeats included); this module is the only place that does it
 * for call-backs. Luxon stays out of src/core on purpose: the core imports nothing outside itself, and the
 * pure parts (report tallies) take the local day and hour as plain values computed here in the app layer.
 */
import { DateTime } from 'luxon';
import type { RecordsConfig } from '../../config/http-schema.ts';

type QuietConfig = Pick<RecordsConfig, 'quietHours' | 'offWeekdays' | 'holidays' | 'workdays'>;

interface Window {
  from: number;
  to: number;
}

/** One local day as instants (UTC ms), from luxon: whether it is off, and its quiet spans [from, to). */
interface Day {
  startMs: number;
  endMs: number;
  off: boolean;
  quiet: [number, number][];
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const DAY_MS = 86_400_000;
/** Days kept worked out (a few years of call-backs); the cache starts over beyond. */
const MAX_CACHED_DAYS = 4096;

export class QuietHours {
  private readonly windows: Window[];
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;
  private readonly offWeekdays: Set<number>;
  /** Local days worked out so far, under each UTC day (ms / DAY_MS) they overlap: luxon runs once a day, not once a call. */
  private readonly days = new Map<number, Day[]>();

  constructor(
    config: QuietConfig,
    readonly zone: string,
  ) {
    this.windows = config.quietHours.map((w) => ({ from: minuteOf(w.from), to: minuteOf(w.to) }));
    this.holidays = new Set(config.holidays);
    this.workdays = new Set(config.workdays);
    this.offWeekdays = new Set(config.offWeekdays);
  }

  private dayOff(local: DateTime): boolean {
    const date = local.toISODate() ?? '';
    if (this.workdays.has(date)) return false;
    return this.holidays.has(date) || this.offWeekdays.has(local.weekday);
  }

  /** The local day holding `ms`, with its quiet windows as instants (a window past midnight ends the next day). */
  private dayAt(ms: number): Day {
    const bucket = Math.floor(ms / DAY_MS);
    for (const d of this.days.get(bucket) ?? []) if (d.startMs <= ms && ms < d.endMs) return d;
    const start = DateTime.fromMillis(ms, { zone: this.zone }).startOf('day');
    const next = start.plus({ days: 1 }).startOf('day');
    const at = (minute: number) => start.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();
    const day: Day = {
      startMs: start.toMillis(),
      endMs: next.toMillis(),
      off: this.dayOff(start),
      quiet: this.windows.flatMap((w): [number, number][] =>
        w.from < w.to ? [[at(w.from), at(w.to)]] : [[start.toMillis(), at(w.to)], [at(w.from), next.toMillis()]],
      ),
    };
    if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
    for (let b = Math.floor(day.startMs / DAY_MS); b <= Math.floor((day.endMs - 1) / DAY_MS); b++) {
      const list = this.days.get(b);
      if (list) list.push(day);
      else this.days.set(b, [day]);
    }
    return day;
  }

  /** The end of the quiet span holding `ms` on `day`, or null when `ms` is not quiet. */
  private static quietUntil(day: Day, ms: number): number | null {
    for (const [from, to] of day.quiet) if (ms >= from && ms < to) return to;
    return null;
  }

  isAllowed(ms: number): boolean {
    const day = this.dayAt(ms);
    return !day.off && QuietHours.quietUntil(day, ms) === null;
  }

  nextAllowed(ms: number): number {
    let t = ms;
    // Each step ends a day off or a quiet window; a year of steps covers any sane holiday list.
    for (let step = 0; step < 2000; step++) {
      const day = this.dayAt(t);
      if (day.off) {
        t = day.endMs;
        continue;
      }
      const until = QuietHours.quietUntil(day, t);
      if (until === null) return t;
      t = until;
    }
    return t;
  }
}
