/** CallIndex: the compact where-is-each-call of the records projection, against a plain list as the model. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallIndex } from '../../../src/app/records/call-index.ts';
import { memoryInUse } from '../../support/memory-in-use.ts';

interface Call {
  seq: number;
  id: string;
  startedMs: number;
}

describe('CallIndex', () => {
  it('answers candidates and seqRange as a sorted list would, whatever the order of adds and repeats', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ seq: fc.integer({ min: 1, max: 3000 }), id: fc.constantFrom('a', 'b', 'c', 'call-1', '王'), startedMs: fc.integer({ min: 0, max: 10_000 }) }), { maxLength: 1500 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (adds: Call[], a, b) => {
          const index = new CallIndex();
          const model = new Map<number, Call>();
          for (const c of adds) {
            expect(index.add(c.seq, c.id, c.startedMs)).toBe(!model.has(c.seq));
            if (!model.has(c.seq)) model.set(c.seq, c);
          }
          const sorted = [...model.values()].sort((x, y) => x.seq - y.seq);
          expect(index.size).toBe(sorted.length);
          for (const id of ['a', 'b', 'c', 'call-1', '王']) {
            const want = sorted.filter((c) => c.id === id).map((c) => c.seq).reverse();
            // A hash may match another id too: every true seq is there, newest first.
            const got = index.candidates(id);
            expect(want.every((s) => got.includes(s))).toBe(true);
            expect([...got].sort((x, y) => y - x)).toEqual(got);
          }
          const [from, to] = a <= b ? [a, b] : [b, a];
          const inRange = sorted.filter((c) => c.startedMs >= from && c.startedMs < to);
          expect(index.seqRange(from, to)).toEqual(inRange.length === 0 ? null : { first: inRange[0]?.seq, last: inRange[inRange.length - 1]?.seq });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps 200k calls in under 24 bytes a call, room to grow included', () => {
    const before = memoryInUse().total;
    const index = new CallIndex();
    for (let seq = 1; seq <= 200_000; seq++) index.add(seq, `call-${seq}`, 1_700_000_000_000 + seq * 60_000);
    expect(index.size).toBe(200_000);
    expect((memoryInUse().total - before) / index.size).toBeLessThan(24);
  });
});
