/**
 * Journal entries as rows of `deskphone.calls` and `deskphone.events` (issue 10): every call-record field is
 * a snake_case column; an annotation event (a `notes`, `category`, `message`, `callbackDue` or `callbackDone`
 * field with a `callId`) updates those columns. Each annotated column carries the seq that set it, so an
 * older entry never overwrites a newer one, and a resend changes nothing. Entries for one call within one
 * batch are folded into one row (one INSERT … ON CONFLICT may touch a row only once).
 * A value the column cannot hold (a time that is not a time, a count that is not an integer, a NUL byte in a
 * text) is stored as null or without the NUL and named by seq and field, rather than failing the batch forever.
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
  transferTarget: 'transfer_target',
  transferResult: 'transfer_result',
  bridgedMs: 'bridged_ms',
  consultFor: 'consult_for',
  contactName: 'contact_name',
  recorded: 'recorded',
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

export type SqlType = 'text' | 'integer' | 'bigint' | 'boolean' | 'timestamptz' | 'jsonb';

/** The SQL type of every record column, as in migrations/: tsc fails here when a column has no type. */
export const COLUMN_TYPES = {
  call_id: 'text',
  unit_id: 'text',
  line: 'integer',
  direction: 'text',
  caller_number: 'text',
  caller_name: 'text',
  started_at: 'timestamptz',
  rings: 'integer',
  answered_by: 'text',
  answered_at: 'timestamptz',
  picked_up_at: 'timestamptz',
  late: 'boolean',
  holds: 'jsonb',
  transfer_target: 'text',
  transfer_result: 'text',
  bridged_ms: 'bigint',
  consult_for: 'text',
  contact_name: 'text',
  recorded: 'boolean',
  talk_ms: 'bigint',
  ended_at: 'timestamptz',
  hung_up_first: 'text',
  outcome: 'text',
  greeting_played: 'boolean',
  notes: 'text',
  category: 'text',
  message: 'text',
  callback_due: 'timestamptz',
  callback_done: 'timestamptz',
  time_zone: 'text',
} as const satisfies Record<(typeof CALL_COLUMNS)[keyof CallRecord], SqlType>;

/** Fields that annotation events may change after the record was written. */
export const ANNOTATED = ['notes', 'category', 'message', 'callbackDue', 'callbackDone'] as const;
type Annotated = (typeof ANNOTATED)[number];

export type CallRow = Record<string, unknown>;

export interface EventRow {
  unit_id: string;
  seq: number;
  type: string;
  at: string | null;
  call_id: string | null;
  /** The whole event as JSON text. */
  body: string;
}

export interface BatchRows {
  calls: CallRow[];
  events: EventRow[];
  /** Values that could not be stored as they were (e.g. a time that is not a time), by field, for the log. */
  problems: string[];
}

/** ISO 8601 as PostgreSQL reads it: a looser form that Date.parse takes (a bare "2026") would fail the batch. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/;

function validTime(v: unknown): v is string {
  return typeof v === 'string' && ISO_TIME.test(v) && !Number.isNaN(Date.parse(v));
}

function column(field: string): string {
  return (CALL_COLUMNS as Record<string, string>)[field] ?? field;
}

const INT32 = 2 ** 31;

/** Why `value` does not fit a column of `type`, or null when it does. */
function misfit(type: SqlType, value: unknown): string | null {
  switch (type) {
    case 'timestamptz':
      return validTime(value) ? null : 'is not a time';
    case 'integer':
      return Number.isInteger(value) && Math.abs(value as number) < INT32 ? null : 'is not a 32-bit integer';
    case 'bigint':
      return Number.isSafeInteger(value) ? null : 'is not an integer';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'is not true or false';
    case 'text':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? null : 'is not text';
    case 'jsonb':
      return null;
  }
}

/** PostgreSQL text cannot hold a NUL byte: it is dropped (and named). Texts may be personal: never quoted. */
export function pgText(value: unknown, where: string, problems: string[]): string {
  const text = String(value);
  if (!text.includes('\0')) return text;
  problems.push(`${where} holds a NUL byte, which PostgreSQL text cannot store; stored without it`);
  return text.replaceAll('\0', '');
}

/** JSON text for a jsonb column; jsonb cannot hold \u0000 either, so NULs in strings are dropped (and named). */
export function jsonbText(value: unknown, where: string, problems: string[]): string {
  const text = JSON.stringify(value);
  if (!text.includes('\\u0000')) return text;
  problems.push(`${where} holds a NUL byte, which PostgreSQL jsonb cannot store; stored without it`);
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '') : v));
}

/** Every record field with its column and the column's type, worked out once. */
const RECORD_FIELDS = Object.entries(CALL_COLUMNS).map(([field, col]) => ({ field, col, type: (COLUMN_TYPES as Record<string, SqlType>)[col] ?? 'text' }));
const TYPE_OF_FIELD = new Map(RECORD_FIELDS.map((f) => [f.field, f.type]));

/** The value as its column can hold it; one that does not fit becomes null (and a problem). */
function cell(field: string, type: SqlType, value: unknown, seq: number, problems: string[]): unknown {
  if (value === null || value === undefined) return null;
  const why = misfit(type, value);
  if (why !== null) {
    // Text and JSON may be personal data: the log gets their kind, not their value.
    const shown = type === 'text' || type === 'jsonb' ? `a ${typeof value}` : String(JSON.stringify(value)).slice(0, 80);
    problems.push(`seq ${seq}: ${field} ${why} (${shown}); stored as null`);
    return null;
  }
  if (type === 'text') return typeof value === 'string' && !value.includes('\0') ? value : pgText(value, `seq ${seq}: ${field}`, problems);
  return type === 'jsonb' ? jsonbText(value, `seq ${seq}: ${field}`, problems) : value;
}

const SEQ_COLUMNS = ANNOTATED.map((field) => `${column(field)}_seq`);

function recordRow(unitId: string, seq: number, record: CallRecord, problems: string[]): CallRow {
  const row: CallRow = { record_seq: seq };
  const fields = record as unknown as Record<string, unknown>;
  for (const { field, col, type } of RECORD_FIELDS) row[col] = cell(field, type, fields[field], seq, problems);
  row.unit_id = unitId;
  for (const col of SEQ_COLUMNS) row[col] = seq;
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
    const where = `seq ${seq}`;
    const callId = typeof event.callId === 'string' && event.callId !== '' ? pgText(event.callId, `${where}: callId`, problems) : null;
    const body = jsonbText(event, where, problems);
    events.push({ unit_id: unitId, seq, type: pgText(event.type, `${where}: type`, problems), at: validTime(event.at) ? event.at : null, call_id: callId, body });
    if (!validTime(event.at)) problems.push(`seq ${seq}: at is not a time (${JSON.stringify(event.at)}); stored as null`);
    const fields = annotations(event);
    if (callId === null || fields.length === 0) continue;
    const row = calls.get(callId) ?? { unit_id: unitId, call_id: callId, record_seq: null };
    for (const f of fields) {
      row[column(f)] = cell(f, TYPE_OF_FIELD.get(f) ?? 'text', event[f], seq, problems);
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
