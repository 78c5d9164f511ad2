/**
 * Daily and monthly reports (R7, R12; issue 8 item 6): the calls whose `startedAt` falls in the period (days in
 * the unit's time zone, via luxon), each with its latest annotations, tallied by the pure src/core/reports.
 * Only the part of the journal between the period's first and last call is read.
 */
import { DateTime } from 'luxon';
import { BadInputError } from '../../core/errors.ts';
import { addCall, addMessage, finishTally, newTally, type ReportFields, type Tally, type TallyThresholds } from '../../core/reports/tally.ts';
import { isCallEntry, type CallJournal } from '../../ports/call-journal.ts';
import { scanJournal } from './journal-scan.ts';
import type { RecordsBook } from './records-book.ts';

export interface ReportSource {
  book: RecordsBook;
  journal: CallJournal;
  timeZone: string;
  limits: TallyThresholds;
}

export interface ReportPeriod {
  kind: 'daily' | 'monthly';
  /** YYYY-MM-DD or YYYY-MM. */
  label: string;
  timeZone: string;
  from: string;
  to: string;
}

export type DayFields = Omit<ReportFields, 'byHour'> & { date: string };

export interface Report extends ReportFields {
  period: ReportPeriod;
  byDay?: DayFields[];
}

interface Slot {
  ms: number;
  hour: number;
  day: string;
}

/** Every local hour of [start, end) with its UTC start: DST days have 23 or 25. */
function hourSlots(start: DateTime, end: DateTime): Slot[] {
  const slots: Slot[] = [];
  for (let t = start; t < end; t = t.plus({ hours: 1 })) slots.push({ ms: t.toMillis(), hour: t.hour, day: t.toISODate() ?? '' });
  return slots;
}

function slotOf(slots: Slot[], ms: number): Slot {
  let lo = 0;
  let hi = slots.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((slots[mid] as Slot).ms <= ms) lo = mid;
    else hi = mid - 1;
  }
  return slots[lo] as Slot;
}

function parseStart(label: string, kind: 'daily' | 'monthly', zone: string): DateTime {
  const field = kind === 'daily' ? 'querystring.date' : 'querystring.month';
  const shape = kind === 'daily' ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}$/;
  const start = shape.test(label) ? DateTime.fromISO(kind === 'daily' ? label : `${label}-01`, { zone }).startOf('day') : null;
  if (!start?.isValid) throw new BadInputError(field, kind === 'daily' ? 'must be a date YYYY-MM-DD' : 'must be a month YYYY-MM');
  return start;
}

async function tallyPeriod(src: ReportSource, start: DateTime, end: DateTime, perDay: boolean): Promise<{ total: Tally; days: Map<string, Tally> }> {
  const from = start.toMillis();
  const to = end.toMillis();
  const slots = hourSlots(start, end);
  const total = newTally();
  const days = new Map<string, Tally>();
  if (perDay) for (const s of slots) if (!days.has(s.day)) days.set(s.day, newTally());
  const range = src.book.calls.seqRange(from, to);
  for await (const chunk of range ? scanJournal(src.journal, range.first - 1, range.last) : []) {
    for (const entry of chunk) {
      if (!isCallEntry(entry)) continue;
      const startedMs = Date.parse(entry.record.startedAt);
      if (startedMs < from || startedMs >= to) continue;
      const slot = slotOf(slots, startedMs);
      const cb = src.book.callbacks.get(entry.record.id);
      const call = { record: src.book.annotate(entry.record), hour: slot.hour, callbackDue: cb !== undefined, callbackDone: Boolean(cb?.doneAt) };
      addCall(total, call, src.limits);
      if (perDay) addCall(days.get(slot.day) as Tally, call, src.limits);
    }
  }
  for (const m of src.book.messages.values()) {
    const at = Date.parse(m.takenAt);
    if (at < from || at >= to) continue;
    const voice = Boolean(m.audio);
    addMessage(total, voice);
    if (perDay) addMessage(days.get(slotOf(slots, at).day) as Tally, voice);
  }
  return { total, days };
}

export async function buildReport(src: ReportSource, kind: 'daily' | 'monthly', label: string): Promise<Report> {
  const start = parseStart(label, kind, src.timeZone);
  const end = start.plus(kind === 'daily' ? { days: 1 } : { months: 1 });
  const { total, days } = await tallyPeriod(src, start, end, kind === 'monthly');
  const period: ReportPeriod = { kind, label, timeZone: src.timeZone, from: start.toUTC().toISO() ?? '', to: end.toUTC().toISO() ?? '' };
  const report: Report = { period, ...finishTally(total) };
  if (kind === 'monthly') {
    report.byDay = [...days].map(([date, tally]) => {
      const { byHour: _hours, ...fields } = finishTally(tally);
      return { date, ...fields };
    });
  }
  return report;
}
