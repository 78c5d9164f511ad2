/** The call history's query (issue 18 item 9) against a plain filter over a list of records as the model. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryCalls } from '../../../src/app/records/call-query.ts';
import { numberDigits, type TextMatch } from '../../../src/app/records/call-text.ts';
import { RecordsBook } from '../../../src/app/records/records-book.ts';
import type { Outcome } from '../../../src/core/record.ts';
import { sampleRecord } from '../../http/sample-record.ts';

const OUTCOMES: Outcome[] = ['answered', 'missed', 'abandoned', 'busy'];
const NUMBERS = ['+8613700002222', '+861012345678', '1001', null];
const NAMES = ['王小明', 'Alice Li', 'alice', null, '12 Bakers'];

interface Call {
  seq: number;
  startedMs: number;
  outcome: Outcome;
  number: string | null;
  name: string | null;
}

function matches(c: Call, m: TextMatch): boolean {
  if (m.field === 'name') return (c.name ?? '').toLowerCase().includes(m.needle);
  const digits = numberDigits(c.number);
  if (m.anchor === 'whole') return digits === m.needle;
  if (m.anchor === 'suffix') return digits.endsWith(m.needle);
  return digits.includes(m.needle);
}

describe('queryCalls', () => {
  it('pages what a plain filter of the list finds, newest first, whatever the order the calls came in', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            seq: fc.integer({ min: 1, max: 500 }),
            startedMs: fc.integer({ min: 0, max: 100 }),
            outcome: fc.constantFrom(...OUTCOMES),
            number: fc.constantFrom(...NUMBERS),
            name: fc.constantFrom(...NAMES),
          }),
          { selector: (c) => c.seq, maxLength: 80 },
        ),
        fc.option(fc.subarray(OUTCOMES, { minLength: 1 }), { nil: undefined }),
        fc.option(
          fc.array(
            fc.oneof(
              fc.record({ field: fc.constant<'name'>('name'), needle: fc.constantFrom('alice', '小明', 'li', '12', 'x') }),
              fc.record({ field: fc.constant<'number'>('number'), needle: fc.constantFrom('2222', '13700002222', '8613700002222', '1001', '0', '1'), anchor: fc.constantFrom<('whole' | 'suffix' | undefined)[]>('whole', 'suffix', undefined) }),
            ),
            { maxLength: 2 },
          ),
          { nil: undefined },
        ),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 10 }),
        fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
        (calls: Call[], outcomes, text, from, limit, before) => {
          const book = new RecordsBook((due) => due);
          for (const c of calls) {
            book.apply({ seq: c.seq, record: sampleRecord({ id: `c${c.seq}`, startedAt: new Date(c.startedMs).toISOString(), outcome: c.outcome, callerNumber: c.number, callerName: c.name }) });
          }
          const found = calls
            .filter((c) => c.startedMs >= from && (!outcomes || outcomes.includes(c.outcome)))
            .filter((c) => !text || text.some((m) => matches(c, m)))
            .sort((a, b) => b.seq - a.seq);
          const page = found.filter((c) => before === undefined || c.seq < before);
          const got = queryCalls(book, { limit, from, ...(outcomes ? { outcomes } : {}), ...(text ? { text } : {}), ...(before !== undefined ? { before } : {}) });
          expect(got.total).toBe(found.length);
          expect(got.seqs).toEqual(page.slice(0, limit).map((c) => c.seq));
          expect(got.nextBefore).toBe(page.length > limit ? (page[limit - 1] as Call).seq : null);
        },
      ),
      { numRuns: 300 },
    );
  });
});
