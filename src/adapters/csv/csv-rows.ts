/**
 * The CSV export's rows (the ExportRows port): lines written as UTF-8 into a byte buffer that is handed on at
 * about CHUNK_BYTES. A row is made from a parsed record by `line` (csvLine over its cells), or, given `fields`,
 * copied straight from the record's stored JSON text (./csv-from-json.ts): the same bytes, no objects made. The
 * buffers live outside the JavaScript heap, so a chunk waiting for the socket costs the young generation nothing.
 * Config keys: none.
 */
import type { CallRecord } from '../../core/record.ts';
import type { ExportRows, StoredRows } from '../../ports/export-rows.ts';
import { CsvFromJson } from './csv-from-json.ts';

/** Bytes handed on at a time: a few hundred rows, a fraction of a millisecond of work between yields. */
const CHUNK_BYTES = 64 * 1024;
/** Room past CHUNK_BYTES, so the row that fills a chunk seldom makes the buffer grow. */
const SLACK = 16 * 1024;

export interface CsvRowsOptions {
  /** The CSV line (CRLF included) of a parsed record. */
  line: (seq: number, record: CallRecord) => string;
  /**
   * The record fields after the leading seq column, in column order, when `line` writes each as it is stored
   * (no masking): then rows are copied from stored text. `jsonTextFields`: those written as JSON text.
   */
  fromText?: { fields: readonly string[]; jsonTextFields: readonly string[] };
}

export class CsvRows implements ExportRows<Buffer> {
  readonly stored?: StoredRows;
  private buf = Buffer.allocUnsafe(CHUNK_BYTES + SLACK);
  private pos = 0;
  private readonly line: CsvRowsOptions['line'];

  constructor(options: CsvRowsOptions) {
    this.line = options.line;
    if (options.fromText) this.stored = this.copier(options.fromText.fields, options.fromText.jsonTextFields);
  }

  add(seq: number, record: CallRecord): void {
    const line = this.line(seq, record);
    this.room(3 * line.length);
    this.pos += this.buf.write(line, this.pos, 'utf8');
  }

  full(): boolean {
    return this.pos >= CHUNK_BYTES;
  }

  take(): Buffer | null {
    if (this.pos === 0) return null;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES + SLACK);
    this.pos = 0;
    return chunk;
  }

  /** Makes sure `bytes` more fit. */
  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  private copier(fields: readonly string[], jsonTextFields: readonly string[]): StoredRows {
    const json = new CsvFromJson(fields, jsonTextFields);
    const column = { id: fields.indexOf('id'), outcome: fields.indexOf('outcome'), startedAt: fields.indexOf('startedAt') };
    return {
      read: (text, start, end) => json.read(text, start, end),
      field: (name) => (column[name] < 0 ? null : json.text(column[name])),
      add: (seq, over) => {
        this.room(json.maxBytes() + (over ? json.layOver(over) : 0));
        this.pos = json.write(seq, this.buf, this.pos);
      },
    };
  }
}
