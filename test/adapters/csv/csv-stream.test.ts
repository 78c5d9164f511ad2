/** CSV cells that a spreadsheet would run as formulas are escaped; phone numbers and ordinary text are not. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FORMULA_START, csvText } from '../../../src/adapters/csv/csv-stream.ts';

describe('CSV formula escaping (CSV injection)', () => {
  it('prefixes formula-like text with an apostrophe and leaves numbers, times and names alone', () => {
    const rows = [
      { name: '=HYPERLINK("http://evil.example","点我")', number: '+8613800000000' },
      { name: '+cmd|\' /C calc\'!A0', number: '-2+3' },
      { name: '@SUM(1)', number: '2001' },
      { name: '王经理', number: '+86-10' },
      { name: '-', number: '2026-11-25T09:00:00.000Z' },
    ];
    const text = csvText(rows, ['name', 'number']);
    const parsed = parse(text, { bom: true, columns: true }) as { name: string; number: string }[];
    expect(parsed).toEqual([
      { name: '\'=HYPERLINK("http://evil.example","点我")', number: '+8613800000000' },
      { name: '\'+cmd|\' /C calc\'!A0', number: '\'-2+3' },
      { name: '\'@SUM(1)', number: '2001' },
      { name: '王经理', number: '\'+86-10' },
      { name: '-', number: '2026-11-25T09:00:00.000Z' },
    ]);
  });
});

describe('CSV cells', () => {
  it('any text, number, boolean or null parses back as written (formula-like text with its apostrophe)', () => {
    const cell = fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('a,b', 'say "hi"', 'two\r\nlines', '\n', '"', ',', ' lead', '=1+1', '+86 10', '-'), fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 5 }), (pairs) => {
        const rows = pairs.map(([a, b]) => ({ a, b }));
        const parsed = parse(csvText(rows, ['a', 'b']), { bom: true, columns: true, relax_quotes: false }) as { a: string; b: string }[];
        const expected = (v: unknown) => (v === null ? '' : typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : String(v));
        expect(parsed).toEqual(rows.map(({ a, b }) => ({ a: expected(a), b: expected(b) })));
      }),
      { numRuns: 300 },
    );
  });
});
