/** CSV cells that a spreadsheet would run as formulas are escaped; phone numbers and ordinary text are not. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvText } from '../../../src/adapters/csv/csv-stream.ts';

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
