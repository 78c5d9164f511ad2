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

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export class QuietHours {
  private readonly windows: Window[];
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;
  private readonly offWeekdays: Set<number>;

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

  /** The end (local minute of day, may be ≥ 1440 for the next day) of the quiet window containing `minute`, or null. */
  private quietUntil(minute: number): number | null {
    for (const w of this.windows) {
      if (w.from < w.to ? minute >= w.from && minute < w.to : minute >= w.from || minute < w.to) {
        return w.from < w.to || minute < w.to ? w.to : w.to + 1440;
      }
    }
    return null;
  }

  isAllowed(ms: number): boolean {
    const local = DateTime.fromMillis(ms, { zone: this.zone });
    return !this.dayOff(local) && this.quietUntil(local.hour * 60 + local.minute) === null;
  }

  nextAllowed(ms: number): number {
    let local = DateTime.fromMillis(ms, { zone: this.zone });
    // Each step ends a day off or a quiet window; a year of steps covers any sane holiday list.
    for (let step = 0; step < 2000; step++) {
      if (this.dayOff(local)) {
        local = local.plus({ days: 1 }).startOf('day');
        continue;
      }
      const until = this.quietUntil(local.hour * 60 + local.minute);
      if (until === null) return local.toMillis();
      const day = local.startOf('day').plus({ days: Math.floor(until / 1440) });
      local = day.set({ hour: Math.floor((until % 1440) / 60), minute: until % 60, second: 0, millisecond: 0 });
    }
    return local.toMillis();
  }
}
