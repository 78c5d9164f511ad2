/**
 * Journal entries as central-store rows: a value its column cannot hold becomes null (or loses its NUL bytes)
 * and is named by seq and field, without quoting personal data; the upsert's parameters are one array per
 * column with every row in the same place.
 */
import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { toRows } from '../../../src/adapters/upstream/postgres-rows.ts';
import { arrayLiteral, encodeBatch, UPSERT_SQL, upsertParams } from '../../../src/adapters/upstream/postgres-upsert.ts';
import type { CallRecord } from '../../../src/core/record.ts';
import { memoryInUse } from '../../support/memory-in-use.ts';
import { makeCall, prng } from './call-fixtures.ts';

describe('postgres rows', () => {
  it('stores what fits, nulls what does not, and names each problem by seq and field', () => {
    const good = makeCall(1, prng(3));
    const bad = { ...good, rings: 2.5, late: 'yes', talkMs: 'long', startedAt: '2026', endedAt: '2026-13-40T00:00:00Z', callerName: 'Wang\0Li', line: 2 ** 40 } as unknown as CallRecord;
    const rows = toRows('desk-1', [{ seq: 7, record: bad }]);
    expect(rows.calls[0]).toMatchObject({ rings: null, late: null, talk_ms: null, started_at: null, ended_at: null, caller_name: 'WangLi', line: null, caller_number: good.callerNumber });
    expect(rows.problems).toEqual([
      'seq 7: line is not a 32-bit integer (1099511627776); stored as null',
      'seq 7: callerName holds a NUL byte, which PostgreSQL text cannot store; stored without it',
      'seq 7: startedAt is not a time ("2026"); stored as null',
      'seq 7: rings is not a 32-bit integer (2.5); stored as null',
      'seq 7: late is not true or false ("yes"); stored as null',
      'seq 7: talkMs is not an integer ("long"); stored as null',
      'seq 7: endedAt is not a time ("2026-13-40T00:00:00Z"); stored as null',
    ]);
    // A caller's name or number is never quoted in a problem (the problems go to the log).
    const odd = toRows('desk-1', [{ seq: 8, record: { ...good, callerNumber: { n: '13800138000' } } as unknown as CallRecord }]);
    expect(odd.problems).toEqual(['seq 8: callerNumber is not text (a object); stored as null']);
    expect(odd.problems.join()).not.toContain('13800138000');
  });

  it('drops NUL bytes from event bodies and annotations, which jsonb and text cannot hold', () => {
    const rows = toRows('desk-1', [{ seq: 3, event: { type: 'call.annotated', at: '2026-03-01T10:00:00.000Z', callId: 'c-1', notes: 'a\0b' } }]);
    expect(rows.events[0]!.body).toBe(JSON.stringify({ type: 'call.annotated', at: '2026-03-01T10:00:00.000Z', callId: 'c-1', notes: 'ab' }));
    expect(rows.calls[0]).toMatchObject({ call_id: 'c-1', notes: 'ab', notes_seq: 3, record_seq: null });
    expect(rows.problems).toEqual([
      'seq 3 holds a NUL byte, which PostgreSQL jsonb cannot store; stored without it',
      'seq 3: notes holds a NUL byte, which PostgreSQL text cannot store; stored without it',
    ]);
  });

  it('gives the upsert one array per column, each as long as the rows, in the statement order', () => {
    const rand = prng(9);
    const entries = [
      { seq: 1, record: makeCall(1, rand) },
      { seq: 2, event: { type: 'call.annotated', at: '2026-03-01T10:00:00.000Z', callId: 'desk-1-call-1', category: 'booking' } },
      { seq: 3, record: makeCall(2, rand) },
    ];
    const rows = toRows('desk-1', entries);
    const params = upsertParams(rows);
    expect(params).toHaveLength(Number(/\$(\d+)::[a-z]+\[\]\)\n {2}ON CONFLICT \(unit_id, call_id\)/.exec(UPSERT_SQL)?.[1]));
    const [units, seqs, , , callIds, bodies] = params;
    expect(units).toEqual(['desk-1']);
    expect(seqs).toEqual([2]);
    expect(callIds).toEqual(['desk-1-call-1']);
    expect(JSON.parse(String(bodies![0]))).toMatchObject({ category: 'booking' });
    for (const column of params.slice(6)) expect(column).toHaveLength(2);
    // Encoded ahead of sending: every parameter is already the array literal node-postgres would send.
    const { values } = encodeBatch('desk-1', entries);
    expect(values).toHaveLength(params.length);
    expect(values.slice(0, 2)).toEqual(['{"desk-1"}', '{"2"}']);
    for (const v of values) expect(v).toMatch(/^\{.*\}$/s);
  });

  it("writes each column's array literal exactly as node-postgres's own encoder does", () => {
    const prepareValue = (pg as unknown as { utils: { prepareValue: (v: unknown) => unknown } }).utils.prepareValue;
    const cell = fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '\\"', 'a"b\\c', '', 'NULL', '{', ',', '王"小\\明'), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant({ n: 1 }));
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 30 }), (values) => {
        expect(arrayLiteral(values)).toBe(prepareValue(values));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a batch of 1000 encoded rows in less memory than the text pg would build piece by piece', () => {
    const rand = prng(11);
    const entries = Array.from({ length: 1000 }, (_, i) => ({ seq: i + 1, record: makeCall(i + 1, rand) }));
    const heap = () => memoryInUse().heap;
    // Warmed up first (compiled code and its feedback are not what is measured); the least of three tries, each
    // batch still held when measured, so a stray allocation of the test runner's own does not count.
    encodeBatch('desk-1', entries.slice(0, 10));
    const held: ReturnType<typeof encodeBatch>[] = [];
    const tries = [0, 1, 2].map(() => {
      const before = heap();
      const kept = encodeBatch('desk-1', entries);
      const used = heap() - before;
      held.push(kept);
      return used;
    });
    const used = Math.min(...tries);
    const text = (held[0]!.values as string[]).reduce((n, v) => n + v.length, 0);
    // A flat literal costs about its length (one byte a character); pg's `+=` keeps a tree of pieces besides (~3 x).
    expect(used).toBeLessThan(text * 1.6);
  });
});
