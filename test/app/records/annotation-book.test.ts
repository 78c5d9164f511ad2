/**
 * AnnotationBook: the latest note and category of each call, compact, against a plain Map as the model, and what
 * it keeps per annotated call (issue 17 item 6).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnnotationBook } from '../../../src/app/records/annotation-book.ts';
import { RecordsBook, type Annotation } from '../../../src/app/records/records-book.ts';
import { memoryInUse } from '../../support/memory-in-use.ts';

const text = fc.option(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('客户说："明天再打"，请注意', 'a\\b', '')));

describe('AnnotationBook', () => {
  it('answers size and get as a Map would, whatever is set again', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ callId: fc.constantFrom('a', 'b', 'call-1', '王', '"q"', ''), seq: fc.integer({ min: 1, max: 2 ** 40 }), notes: text, category: text, at: fc.constant('2026-01-02T03:04:05.678Z') }), { maxLength: 200 }),
        (sets) => {
          const book = new AnnotationBook();
          const model = new Map<string, Annotation>();
          for (const { callId, ...a } of sets) {
            book.set(callId, a);
            model.set(callId, a);
          }
          expect(book.size).toBe(model.size);
          for (const id of ['a', 'b', 'call-1', '王', '"q"', '', 'zz']) expect(book.get(id)).toEqual(model.get(id));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps an annotated call in under 150 bytes (as an object in a Map: about 200)', () => {
    const book = new RecordsBook((due) => due);
    const before = memoryInUse().total;
    // Events come in as the journal hands them out: parsed from their line, strings of their own.
    for (let i = 0; i < 30_000; i++)
      book.apply(JSON.parse(JSON.stringify({ seq: i + 1, event: { type: 'call.annotated', at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), callId: `desk-1-call-${i}`, notes: `note ${i}`, by: 'reception' } })));
    expect(book.annotations.size).toBe(30_000);
    expect((memoryInUse().total - before) / book.annotations.size).toBeLessThan(150);
  });
});
