/**
 * CSV out through d3-dsv's cell formatter: RFC 4180 quoting, CRLF line ends and a UTF-8 byte-order mark, so Excel
 * and LibreOffice open Chinese names correctly. null and undefined are empty cells, numbers and booleans as
 * written (true/false); text a spreadsheet would take for a formula is escaped (FORMULA_START). d3-dsv quotes a
 * cell in well under 100 ns; the export benchmark measured papaparse at about 100 ns a cell plus
 * 8 µs a call, and csv-stringify slower still, which kept the 200k-call export far from its goal.
 * Config keys: none.
 */
import { Readable } from 'node:stream';
import { csvFormatValue } from 'd3-dsv';

const BOM = '\ufeff';
const CRLF = '\r\n';
/**
 * Cells a spreadsheet would run as a formula (CSV injection: a caller's display name comes from the network) get
 * a leading apostrophe: text starting with = @ tab or CR, or with + or - followed by anything but digits, so a
 * phone number such as +8613800000000 stays as it is.
 */
export const FORMULA_START = /^(?:[=@\t\r]|[+-](?![0-9*#]*$))/;

/** Text that may need a formula escape or quotes; most cells (times, ids, names) need neither and pass as they are. */
const MAYBE_SPECIAL = /^[=@\t\r+-]|[",\r\n]/;

/** One cell's text: quoted when it holds a comma, a quote or a line break; a formula-like text escaped first. */
export function csvCell(cell: unknown): string {
  if (typeof cell === 'string') {
    if (!MAYBE_SPECIAL.test(cell)) return cell;
    return csvFormatValue(FORMULA_START.test(cell) ? `'${cell}` : cell);
  }
  return cell === null || cell === undefined ? '' : String(cell);
}

/**
 * One CSV line, ending CRLF, of the cells in order (made with one join: a flat string, where concatenation would
 * keep every cell alive in a tree of pieces until the line is written).
 */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',') + CRLF;
}

/** The byte-order mark and the header line. */
export function csvHead(columns: readonly string[]): string {
  return BOM + csvLine(columns);
}

/**
 * A readable stream of CSV: the header (with the byte-order mark) first, then each chunk of lines as it comes
 * (text made with csvLine, or UTF-8 bytes from ./csv-rows.ts). Chunks are pulled only as fast as the reader takes
 * them, so memory stays flat.
 */
export function csvStream(chunks: AsyncIterable<string | Uint8Array>, columns: readonly string[]): Readable {
  async function* text() {
    yield csvHead(columns);
    yield* chunks;
  }
  // One chunk waits at most: what waits outlives the young generation and is copied to the old one.
  return Readable.from(text(), { highWaterMark: 1 });
}

/** A small table as CSV text (reports): an object per row, its cells in `columns` order, `headers` on top (default the keys). */
export function csvText(rows: Record<string, unknown>[], columns: readonly string[], headers: readonly string[] = columns): string {
  return csvHead(headers) + rows.map((row) => csvLine(columns.map((c) => row[c]))).join('');
}
