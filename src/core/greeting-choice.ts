/**
 * Which greeting answers at a given local time (SPEC R3): the time band (morning, afternoon, evening, out of
 * hours) and the holiday, if the date falls in one. Pure: the caller turns the instant into the unit's local
 * date, weekday and minute of the day (src/app/greetings/local-time.ts does that with the unit's time zone).
 *
 * A day is cut into segments that cover 00:00-24:00. On a working day the three bands come from config and
 * every other minute is out of hours; a day off is out of hours all day. On a holiday the holiday's own
 * greeting serves the whole day, then the generic holiday greeting, then the band's.
 */

export const GREETING_BANDS = ['morning', 'afternoon', 'evening', 'out-of-hours'] as const;
export type GreetingBand = (typeof GREETING_BANDS)[number];
export type ConfiguredBand = Exclude<GreetingBand, 'out-of-hours'>;

/** Minutes after local midnight; `to` is exclusive (24 * 60 ends the day). */
export interface MinuteRange {
  from: number;
  to: number;
}

export interface Holiday {
  name: string;
  /**
   * Local dates, both inclusive: "YYYY-MM-DD" for one year (festivals of the lunar calendar move), or
   * "MM-DD" for every year (a range may wrap the year end: "12-31" to "01-02").
   */
  from: string;
  to: string;
}

export interface DayCalendar {
  bands: Readonly<Record<ConfiguredBand, MinuteRange>>;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  workingDays: readonly number[];
  holidays: readonly Holiday[];
}

/** A local moment: what the time zone conversion gives the choice. */
export interface LocalMoment {
  /** "YYYY-MM-DD" */
  date: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** 0 … 1439 */
  minute: number;
}

export interface DaySegment extends MinuteRange {
  band: GreetingBand;
  /** The holiday the date falls in, or null. */
  holiday: string | null;
  /** Greeting slots to try in order: the first one with a file serves. */
  slots: string[];
}

export const MINUTES_PER_DAY = 24 * 60;

/** Whether the holiday's range contains the local date "YYYY-MM-DD". */
export function holidayContains(h: Holiday, date: string): boolean {
  if (h.from.length === 10) return h.from <= date && date <= h.to;
  const monthDay = date.slice(5);
  return h.from <= h.to ? h.from <= monthDay && monthDay <= h.to : monthDay >= h.from || monthDay <= h.to;
}

/** The first listed holiday that contains `date`, or null. */
export function holidayOn(calendar: DayCalendar, date: string): Holiday | null {
  return calendar.holidays.find((h) => holidayContains(h, date)) ?? null;
}

/** Slots to try for a band, most specific first (a holiday added from the page is named `holiday` itself). */
export function slotsFor(band: GreetingBand, holiday: string | null): string[] {
  return holiday === null ? [band] : [...new Set([holiday, 'holiday', band])];
}

/**
 * Today's mode, set by the receptionist from the page (issue 20 item 5): `open` follows the day's plan; `closed`
 * answers as out of hours all day (a holiday's greeting first, as out of hours does); `lunch` plays the desk's
 * `lunch` greeting when one was made, else the out-of-hours one (the desk is away, not closed for the day).
 */
export const DESK_MODES = ['open', 'lunch', 'closed'] as const;
export type DeskMode = (typeof DESK_MODES)[number];
export const LUNCH_SLOT = 'lunch';

/** The segment as today's mode changes it; `open` leaves it as the plan has it. */
export function withDeskMode(segment: DaySegment, mode: DeskMode): DaySegment {
  if (mode === 'open') return segment;
  const outOfHours = slotsFor('out-of-hours', segment.holiday);
  return { ...segment, band: 'out-of-hours', slots: mode === 'lunch' ? [LUNCH_SLOT, ...outOfHours] : outOfHours };
}

/** The day's segments, in order, covering 00:00 to 24:00 with no gaps. */
export function dayPlan(calendar: DayCalendar, date: string, weekday: number): DaySegment[] {
  const holiday = holidayOn(calendar, date)?.name ?? null;
  const segment = (band: GreetingBand, from: number, to: number): DaySegment => ({ band, from, to, holiday, slots: slotsFor(band, holiday) });
  if (!calendar.workingDays.includes(weekday)) return [segment('out-of-hours', 0, MINUTES_PER_DAY)];
  const bands = (Object.entries(calendar.bands) as [ConfiguredBand, MinuteRange][]).sort(([, a], [, b]) => a.from - b.from);
  const plan: DaySegment[] = [];
  let at = 0;
  for (const [band, range] of bands) {
    if (range.from > at) plan.push(segment('out-of-hours', at, range.from));
    plan.push(segment(band, range.from, range.to));
    at = range.to;
  }
  if (at < MINUTES_PER_DAY) plan.push(segment('out-of-hours', at, MINUTES_PER_DAY));
  return plan;
}

/** The segment that serves a local moment (with today's mode, when the desk set one). */
export function greetingChoiceAt(calendar: DayCalendar, moment: LocalMoment, mode: DeskMode = 'open'): DaySegment {
  const plan = dayPlan(calendar, moment.date, moment.weekday);
  return withDeskMode(plan.find((s) => s.from <= moment.minute && moment.minute < s.to) ?? plan[plan.length - 1]!, mode);
}

/** "HH:MM" for a minute of the day (24:00 for the end of the day). */
export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
