/**
 * Journal entries as rows of `deskphone.calls` and `deskphone.events` (issue 10): every call-record field is
 * a snake_case column; an annotation event (a `notes`, `category`, `message`, `callbackDue` or `callbackDone`
 * field with a `callId`) updates those columns. Each annotated column carries the seq that set it, so an
 * older entry never overwrites a newer one, and a resend changes nothing. Entries for one call within one
 * batch are folded into one row (one INSERT … ON CONFLICT may touch a row only once).
 */
import type { CallRecord } from '../../core/record.ts';
import { isCallEntry, type AnyJournalEntry, type JournalEvent } from '../../ports/call-journal.ts';

/** Every CallRecord field and its column: tsc fails here when the record gains a field without a column. */
export const CALL_COLUMNS = {
  id: 'call_id',
  unitId: 'unit_id',
  line: 'line',
  direction: 'direction',
  callerNumber: 'caller_number',
  callerName: 'caller_name',
  startedAt: 'started_at',
  rings: 'rings',
  answeredBy: 'answered_by',
  answeredAt: 'answered_at',
  pickedUpAt: 'picked_up_at',
  late: 'late',
  holds: 'holds',
  talkMs: 'talk_ms',
  endedAt: 'ended_at',
  hungUpFirst: 'hung_up_first',
  outcome: 'outcome',
  greetingPlayed: 'greeting_played',
  notes: 'notes',
  category: 'category',
  message: 'message',
  callbackDue: 'callback_due',
  callbackDone: 'callback_done',
  timeZone: 'time_zone',
} as const satisfies Record<keyof CallRecord, string>;

/** Fields that annotation events may change after the record was written. */
export const ANNOTATED = ['notes', 'category', 'message', 'callbackDue', 'callbackDone'] as const;
type Annotated = (typeof ANNOTATED)[number];
const TIME_FIELDS = new Set<string>(['startedAt', 'answeredAt', 'pickedUpAt', 'endedAt', 'callbackDue', 'callbackDone']);

export type CallRow = Record<string, unknown>;

export interface EventRow {
  unit_id: string;
  seq: number;
  type: string;
  at: string | null;
  call_id: string | null;
  body: JournalEvent;
}

export interface BatchRows {
  calls: CallRow[];
  events: EventRow[];
  /** Values that could not be stored as they were (e.g. a time that is not a time), by field, for the log. */
  problems: string[];
}

function validTime(v: unknown): v is string {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v));
}

function column(field: string): string {
  return (CALL_COLUMNS as Record<string, string>)[field] ?? field;
}

/** A time column gets null (and a problem) rather than failing the batch forever on one bad value. */
function cell(field: string, value: unknown, where: string, problems: string[]): unknown {
  if (TIME_FIELDS.has(field) && value !== null && value !== undefined && !validTime(value)) {
    problems.push(`${where}: ${field} is not a time (${JSON.stringify(value)}); stored as null`);
    return null;
  }
  return value ?? null;
}

function recordRow(unitId: string, seq: number, record: CallRecord, problems: string[]): CallRow {
  const row: CallRow = { record_seq: seq };
  for (const [field, col] of Object.entries(CALL_COLUMNS)) row[col] = cell(field, record[field as keyof CallRecord], `seq ${seq}`, problems);
  row.unit_id = unitId;
  for (const field of ANNOTATED) row[`${column(field)}_seq`] = seq;
  return row;
}

function annotations(event: JournalEvent): Annotated[] {
  return ANNOTATED.filter((f) => Object.hasOwn(event, f));
}

export function toRows(unitId: string, entries: readonly AnyJournalEntry[]): BatchRows {
  const problems: string[] = [];
  const calls = new Map<string, CallRow>();
  const events: EventRow[] = [];
  for (const entry of entries) {
    if (isCallEntry(entry)) {
      const row = recordRow(unitId, entry.seq, entry.record, problems);
      const before = calls.get(entry.record.id);
      // A note added before the record line (same batch) keeps its newer value.
      calls.set(entry.record.id, before ? { ...row, ...pickAnnotations(before, entry.seq) } : row);
      continue;
    }
    const { event, seq } = entry;
    const callId = typeof event.callId === 'string' && event.callId !== '' ? event.callId : null;
    events.push({ unit_id: unitId, seq, type: String(event.type), at: validTime(event.at) ? event.at : null, call_id: callId, body: event });
    if (!validTime(event.at)) problems.push(`seq ${seq}: at is not a time (${JSON.stringify(event.at)}); stored as null`);
    const fields = annotations(event);
    if (callId === null || fields.length === 0) continue;
    const row = calls.get(callId) ?? { unit_id: unitId, call_id: callId, record_seq: null };
    for (const f of fields) {
      row[column(f)] = cell(f, event[f], `seq ${seq}`, problems);
      row[`${column(f)}_seq`] = seq;
    }
    calls.set(callId, row);
  }
  return { calls: [...calls.values()], events, problems };
}

/** The annotated columns of `row` set by entries newer than `seq`. */
function pickAnnotations(row: CallRow, seq: number): CallRow {
  const out: CallRow = {};
  for (const f of ANNOTATED) {
    const col = column(f);
    const s = row[`${col}_seq`];
    if (typeof s === 'number' && s > seq) {
      out[col] = row[col];
      out[`${col}_seq`] = s;
    }
  }
  return out;
}

/** The annotated columns and their seq columns, for SQL. */
export const ANNOTATED_COLUMNS: readonly string[] = ANNOTATED.map(column);
/** The record columns other than the key and the annotated ones. */
export const RECORD_COLUMNS: readonly string[] = Object.values(CALL_COLUMNS).filter(
  (c) => c !== 'unit_id' && c !== 'call_id' && !ANNOTATED_COLUMNS.includes(c),
);
