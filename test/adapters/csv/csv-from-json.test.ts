/**
 * CsvFromJson, the CSV export's fast path: the line it copies from a record's stored JSON is byte for byte the
 * line csvLine makes from the parsed record (with any fields laid over it), for any record the journal writes;
 * text it cannot copy exactly is refused, never copied wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvFromJson } from '../../../src/adapters/csv/csv-from-json.ts';
import { csvLine } from '../../../src/adapters/csv/csv-stream.ts';

const FIELDS = ['id', 'callerName', 'rings', 'late', 'holds', 'notes', 'callbackDue'];
const JSON_TEXT = ['holds'];

/** The line csvLine makes from the parsed record: the reference the fast path must equal. */
function slowLine(seq: number, record: Record<string, unknown>): Buffer {
  return Buffer.from(csvLine([seq, ...FIELDS.map((f) => (JSON_TEXT.includes(f) ? JSON.stringify(record[f]) : record[f]))]), 'utf8');
}

/** The fast line, into a buffer exactly as large as the room it says it needs; null when it refuses the text. */
function fastLine(seq: number, record: Record<string, unknown>, over: Record<string, unknown> | null = null): Buffer | null {
  const json = new CsvFromJson(FIELDS, JSON_TEXT);
  // As the journal stores it: JSON.stringify's text, somewhere inside a larger buffer.
  const text = Buffer.from(`{"seq":${seq},"record":${JSON.stringify(record)},"crc":"00000000"}`, 'utf8');
  const start = text.indexOf('"record":') + '"record":'.length;
  if (!json.read(text, start, text.length - ',"crc":"00000000"}'.length)) return null;
  const out = Buffer.alloc(json.maxBytes() + (over ? json.layOver(over) : 0));
  return out.subarray(0, json.write(seq, out, 0));
}

const awkward = fc.constantFrom(
  '', 'a,b', 'say "hi"', 'two\r\nlines', '\n', '\r', '\t lead tab', '"', ',', '\\', '\\"', '/', '\u0000\u001f\u007f',
  '=1+1', '@SUM(1)', '+8613800000000', '+86 10', '-', '-2+3', '+*#', '王小明, "老李"', 'Zoë', '😀', '\ud800', 'x\udc00y', '\ud83d\ude00',
);
const text = fc.oneof(awkward, fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));
const scalar = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
const holds = fc.array(fc.record({ startedAt: text, ms: fc.nat() }), { maxLength: 3 });
/** Records as the unit writes them: any field may be missing, extra fields may be there. */
const record = fc.record(
  { id: text, callerName: scalar, rings: fc.integer(), late: fc.boolean(), holds, notes: scalar, callbackDue: scalar, extra: fc.jsonValue() },
  { requiredKeys: [] },
);

describe('CsvFromJson', () => {
  it('copies the same line csvLine makes from the parsed record, for any record the journal writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), record, (seq, r) => {
        const fast = fastLine(seq, r);
        expect(fast, 'refused a record the journal writes').not.toBeNull();
        expect(fast?.toString('utf8')).toEqual(slowLine(seq, r).toString('utf8'));
        expect(fast?.equals(slowLine(seq, r))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('puts laid-over fields in place of the stored ones, as csvLine over the record with them laid over', () => {
    const over = fc.record({ notes: scalar, callbackDue: text, holds }, { requiredKeys: [] });
    fc.assert(
      fc.property(record, over, (r, o) => {
        expect(fastLine(7, r, o)?.equals(slowLine(7, { ...r, ...o }))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads a string field back as the parsed record has it', () => {
    fc.assert(
      fc.property(text, (id) => {
        const json = new CsvFromJson(FIELDS, JSON_TEXT);
        const stored = Buffer.from(JSON.stringify({ rings: 1, id }), 'utf8');
        expect(json.read(stored, 0, stored.length)).toBe(true);
        expect(json.text(FIELDS.indexOf('id'))).toBe(JSON.parse(JSON.stringify(id)));
        expect(json.text(FIELDS.indexOf('notes'))).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('refuses text it cannot copy exactly, and any JSON value it accepts comes out as csvLine writes it', () => {
    const refused = [
      '{ "id": "a" }', // white space
      '{"rings":1.5}', // a fraction: String() may write it otherwise
      '{"rings":1e3}',
      '{"rings":-0}',
      '{"rings":01}',
      '{"rings":12345678901234567}', // past 2^53
      '{"notes":{"a":1}}', // an object where a cell is expected
      '{"notes":[1]}',
      '{"i\\u0064":"a"}', // a key with an escape
      '{"notes":"\\x"}', // not JSON
      '{"notes":"a}',
      '{"notes":"a"',
      '["a"]',
    ];
    const json = new CsvFromJson(FIELDS, JSON_TEXT);
    for (const t of refused) expect(json.read(Buffer.from(t), 0, Buffer.byteLength(t)), t).toBe(false);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...FIELDS, 'other'), fc.jsonValue()), (r) => {
        const fast = fastLine(3, r);
        if (fast) expect(fast.equals(slowLine(3, r))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
