/** CsvRows: rows made from records and rows copied from stored text go into one byte stream, however long a row. */
import { describe, expect, it } from 'vitest';
import { CsvRows } from '../../../src/adapters/csv/csv-rows.ts';
import { csvLine } from '../../../src/adapters/csv/csv-stream.ts';
import type { CallRecord } from '../../../src/core/record.ts';
import { sampleRecord } from '../../http/sample-record.ts';

const FIELDS = ['id', 'notes', 'holds'];
const line = (seq: number, r: CallRecord) => csvLine([seq, r.id, r.notes, JSON.stringify(r.holds)]);

describe('CsvRows', () => {
  it('hands on every row in order, a row far longer than a chunk included, and says when a chunk is full', () => {
    const rows = new CsvRows({ line, fromText: { fields: FIELDS, jsonTextFields: ['holds'] } });
    const long = sampleRecord({ id: 'long', notes: '长'.repeat(100_000) });
    const stored = Buffer.from(JSON.stringify(long), 'utf8');
    const expected: string[] = [];
    const chunks: Buffer[] = [];
    for (let i = 1; i <= 10_000; i++) {
      const r = i === 1500 ? long : sampleRecord({ id: `c${i}`, notes: i % 2 ? 'a,"b"' : null });
      expected.push(line(i, r));
      if (i % 3 === 0) rows.add(i, r);
      else {
        const text = i === 1500 ? stored : Buffer.from(JSON.stringify(r), 'utf8');
        expect(rows.stored?.read(text, 0, text.length)).toBe(true);
        rows.stored?.add(i, null);
      }
      if (rows.full()) chunks.push(rows.take() as Buffer);
    }
    chunks.push(rows.take() as Buffer);
    expect(rows.take()).toBeNull();
    expect(chunks.length).toBeGreaterThan(3);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected.join(''));
  });
});
