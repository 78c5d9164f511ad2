/**
 * CSV out through csv-stringify: RFC 4180 quoting, CRLF line ends and a UTF-8 byte-order mark, so Excel and
 * LibreOffice open Chinese names correctly. Batches stream through with back-pressure (memory stays flat).
 * Config keys: none.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';

const options = (columns: string[]) => ({
  header: true,
  columns,
  bom: true,
  record_delimiter: 'windows' as const,
  cast: { boolean: (b: boolean) => (b ? 'true' : 'false') },
});

/** A readable stream of CSV text for batches of rows (each row an object keyed by column). */
export function csvStream(batches: AsyncIterable<Record<string, unknown>[]>, columns: string[]): Readable {
  async function* rows() {
    for await (const batch of batches) yield* batch;
  }
  const out = stringify(options(columns));
  const source = Readable.from(rows());
  source.on('error', (err) => out.destroy(err));
  return source.pipe(out);
}

/** A small table as CSV text (reports). */
export function csvText(rows: Record<string, unknown>[], columns: string[]): string {
  return stringifySync(rows, options(columns));
}
