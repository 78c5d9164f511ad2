/**
 * The PostgreSQL sink's one statement per batch (issue 10 item 2): a data-modifying CTE inserts the events
 * (ON CONFLICT DO NOTHING) and one multi-row INSERT … ON CONFLICT upserts the calls, so a batch lands whole or
 * not at all and a resend changes nothing. Rows travel column by column: one typed array parameter per column,
 * turned back into rows by `unnest(…)`. The statement is the same for every batch size (so it is prepared once
 * per connection), and PostgreSQL parses each value straight into its column type; rows as one JSON document
 * (json_populate_recordset) cost twice as much per row, nearly all of it in parsing the JSON.
 * `encodeBatch` does all the work on this side (rows, columns, and the array literals node-postgres would make
 * while sending), so that it can run while an earlier batch is on its way.
 */
import pg from 'pg';
import type { AnyJournalEntry } from '../../ports/call-journal.ts';
import { ANNOTATED_COLUMNS, COLUMN_TYPES, RECORD_COLUMNS, toRows, type BatchRows, type EventRow, type SqlType } from './postgres-rows.ts';

const SEQ_COLUMN_TYPES = Object.fromEntries(ANNOTATED_COLUMNS.map((c) => [`${c}_seq`, 'bigint'])) as Record<string, SqlType>;
const CALL_TYPES: Record<string, SqlType> = { ...COLUMN_TYPES, record_seq: 'bigint', ...SEQ_COLUMN_TYPES };
const EVENT_TYPES = { unit_id: 'text', seq: 'bigint', type: 'text', at: 'timestamptz', call_id: 'text', body: 'jsonb' } as const satisfies Record<
  keyof EventRow,
  SqlType
>;

const EVENT_COLUMNS = Object.keys(EVENT_TYPES) as (keyof EventRow)[];
const CALL_INSERT_COLUMNS = ['unit_id', 'call_id', 'record_seq', ...RECORD_COLUMNS, ...ANNOTATED_COLUMNS.flatMap((c) => [c, `${c}_seq`])];

/** `unnest($n::type[], …)` for `columns`, numbering parameters from `first`. */
function unnest(columns: readonly string[], types: Record<string, SqlType>, first: number): string {
  return `unnest(${columns.map((c, i) => `$${first + i}::${types[c]}[]`).join(', ')})`;
}

function buildUpsert(): string {
  const set = [
    // A row that so far held only annotations gets its record; a record resend rewrites the same values.
    'record_seq = coalesce(EXCLUDED.record_seq, c.record_seq)',
    ...RECORD_COLUMNS.map((col) => `${col} = CASE WHEN EXCLUDED.record_seq IS NULL THEN c.${col} ELSE EXCLUDED.${col} END`),
    // An annotated column changes only for a newer seq: an older annotation never overwrites a newer one.
    ...ANNOTATED_COLUMNS.flatMap((col) => [
      `${col} = CASE WHEN EXCLUDED.${col}_seq > coalesce(c.${col}_seq, 0) THEN EXCLUDED.${col} ELSE c.${col} END`,
      `${col}_seq = greatest(c.${col}_seq, EXCLUDED.${col}_seq)`,
    ]),
    'updated_at = now()',
  ];
  const cols = CALL_INSERT_COLUMNS.join(', ');
  const evCols = EVENT_COLUMNS.join(', ');
  return [
    `WITH ev AS (INSERT INTO deskphone.events (${evCols})`,
    `  SELECT * FROM ${unnest(EVENT_COLUMNS, EVENT_TYPES, 1)}`,
    '  ON CONFLICT (unit_id, seq) DO NOTHING RETURNING 1)',
    `INSERT INTO deskphone.calls AS c (${cols})`,
    `  SELECT * FROM ${unnest(CALL_INSERT_COLUMNS, CALL_TYPES, EVENT_COLUMNS.length + 1)}`,
    `  ON CONFLICT (unit_id, call_id) DO UPDATE SET ${set.join(', ')}`,
  ].join('\n');
}

export const UPSERT_SQL = buildUpsert();

/** The parameters of UPSERT_SQL: one array per column, events' columns first, then the calls'. */
export function upsertParams(rows: BatchRows): unknown[][] {
  const column = <R>(list: readonly R[], key: string) => list.map((r) => (r as Record<string, unknown>)[key] ?? null);
  return [...EVENT_COLUMNS.map((c) => column(rows.events, c)), ...CALL_INSERT_COLUMNS.map((c) => column(rows.calls, c))];
}

/** node-postgres's own encoder of a parameter (not in its type declarations). */
const pgPrepare = (pg as unknown as { utils: { prepareValue: (value: unknown) => unknown } }).utils.prepareValue;

/** One element of an array literal, as node-postgres writes it: quoted, with backslashes and quotes escaped. */
function element(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  // Cells are texts, numbers and booleans (./postgres-rows.ts); anything else is left to pg's own encoder.
  if (typeof value === 'object') return (pgPrepare([value]) as string).slice(1, -1);
  const text = String(value);
  return `"${/[\\"]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : text}"`;
}

/**
 * A column's array literal (`{"a","b",NULL}`), the text node-postgres's own encoder makes for an array of
 * strings, numbers, booleans and nulls, made with one join: a flat string, where pg's `+=` builds a tree of
 * pieces as large again as the text, kept with the batch until it is sent (two batches of 1000 rows: ~8 MB).
 */
export function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map(element).join(',')}}`;
}

export interface EncodedBatch {
  /** The parameters of UPSERT_SQL, ready to send. */
  values: unknown[];
  /** Values that could not be stored as they were, by seq and field (see ./postgres-rows.ts), for the log. */
  problems: string[];
}

export function encodeBatch(unitId: string, entries: readonly AnyJournalEntry[]): EncodedBatch {
  const rows = toRows(unitId, entries);
  return { values: upsertParams(rows).map(arrayLiteral), problems: rows.problems };
}
