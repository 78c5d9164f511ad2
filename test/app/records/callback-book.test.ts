/**
 * CallbackBook: the compact call-backs of the records projection, against a plain Map as the model, and what it
 * keeps in memory per call-back (issue 17 item 6: a unit with 200k calls must fit a 512 MB Pi).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallbackBook } from '../../../src/app/records/callback-book.ts';
import { RecordsBook, type Callback } from '../../../src/app/records/records-book.ts';
import { callNo } from '../../http/export-fixture.ts';
import { memoryInUse } from '../../support/memory-in-use.ts';

const text = fc.oneof(fc.constantFrom('a', 'b', 'call-1', '王小明', '"quoted", \\ back', ''), fc.string({ unit: 'grapheme', maxLength: 8 }));
const callback = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'call-1', '王', '"q"', 'a\u0000b', ''),
  source: fc.constantFrom<Callback['source']>('call', 'message'),
  callId: fc.option(text),
  number: text,
  name: fc.option(text),
  dueAt: fc.integer({ min: 0, max: 2 ** 42 }),
  scheduledFor: fc.integer({ min: 0, max: 2 ** 42 }),
  doneAt: fc.option(fc.constantFrom('2026-01-02T03:04:05.678Z', '')),
  outcome: fc.option(text),
});
const step = fc.oneof(
  callback.map((cb) => ({ kind: 'set' as const, cb })),
  fc.record({ kind: fc.constant('done' as const), id: fc.constantFrom('a', 'b', 'zz', '王'), at: fc.constant('2026-02-03T04:05:06.789Z'), outcome: fc.option(text) }),
);

describe('CallbackBook', () => {
  it('answers size, has, get, keys and values as a Map would, whatever is set and marked done', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const book = new CallbackBook();
        const model = new Map<string, Callback>();
        for (const s of steps) {
          if (s.kind === 'set') {
            book.set(s.cb);
            model.set(s.cb.id, { ...s.cb });
          } else {
            const old = model.get(s.id);
            expect(book.markDone(s.id, s.at, s.outcome)).toBe(old !== undefined);
            if (old) model.set(s.id, { ...old, doneAt: s.at, outcome: s.outcome });
          }
        }
        expect(book.size).toBe(model.size);
        expect([...book.keys()]).toEqual([...model.keys()]);
        expect([...book.values()]).toEqual([...model.values()]);
        for (const id of ['a', 'b', 'c', 'call-1', '王', '"q"', 'a\u0000b', '', 'zz', 'a\u0000']) {
          expect(book.has(id)).toBe(model.has(id));
          expect(book.get(id)).toEqual(model.get(id));
        }
        const states: [number, boolean][] = [];
        book.forEachState((at, done) => states.push([at, done]));
        expect(states).toEqual([...model.values()].map((cb) => [cb.scheduledFor, Boolean(cb.doneAt)]));
      }),
      { numRuns: 300 },
    );
  });

  it('finds each of 100k ids among colliding hashes and grown tables', () => {
    const book = new CallbackBook();
    for (let i = 0; i < 100_000; i++) book.set({ id: `c${i}`, source: 'call', callId: `c${i}`, number: String(i), name: null, dueAt: i, scheduledFor: i, doneAt: null, outcome: null });
    for (let i = 0; i < 100_000; i += 997) expect(book.get(`c${i}`)).toMatchObject({ id: `c${i}`, callId: `c${i}`, number: String(i), dueAt: i });
    expect(book.get('c100000')).toBeUndefined();
  });

  it('keeps a call-back of a missed call in under 150 bytes (as objects in a Map: about 230)', () => {
    const book = new RecordsBook((due) => due);
    const before = memoryInUse().total;
    // The records come in as the journal hands them out: parsed from their line, strings of their own.
    for (let i = 0; i < 60_000; i++) book.apply({ seq: i + 1, record: JSON.parse(JSON.stringify(callNo(i))) });
    const used = memoryInUse().total - before;
    const callbacks = book.callbacks.size;
    expect(callbacks).toBeGreaterThan(15_000);
    // Each call also has its place in the call index (four typed-array cells, with room to grow) and its line in
    // the history's search text (its own buffer, counted whole), and its caller number's row in the returning
    // callers' index (typed arrays, counted whole).
    const perCallback = (used - book.calls.size * 21 * 1.2 - book.text.capacity - book.callers.bytes) / callbacks;
    expect(perCallback).toBeLessThan(150);
  });
});
