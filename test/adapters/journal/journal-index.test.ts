import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { JournalIndex, type IndexEntry } from '../../../src/adapters/journal/journal-index.ts';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import { MemoryFs } from '../../../src/adapters/journal/memory-fs.ts';
import { memoryInUse } from '../../support/memory-in-use.ts';
import { captureLogger, fakeClock, makeRecord } from './support.ts';

const entry = fc.record({
  seq: fc.integer({ min: 1, max: 3000 }),
  file: fc.constantFrom('calls-2025-03-01.jsonl', 'calls-2025-03-02.jsonl', 'calls-1970-01-01.jsonl'),
  offset: fc.nat({ max: 2 ** 31 }),
  length: fc.integer({ min: 20, max: 70_000 }),
  kind: fc.constantFrom('record' as const, 'event' as const),
});

describe('JournalIndex', () => {
  it('answers page, after, duplicates, file ranges and drops like a sorted list would (beyond its first capacity)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 1500 }), fc.integer({ min: 0, max: 3001 }), fc.integer({ min: 1, max: 400 }), (entries, at, limit) => {
        const index = new JournalIndex();
        for (const e of entries) index.add(e.seq, e.file, e.offset, e.length, e.kind);
        index.sort();
        // The model: a stable sort by seq.
        const model: IndexEntry[] = entries.map((e, i) => ({ ...e, i })).sort((a, b) => a.seq - b.seq || a.i - b.i).map(({ i: _i, ...e }) => e);
        expect(index.size).toBe(model.length);
        expect(index.highestSeq).toBe(model.at(-1)?.seq ?? 0);
        expect(index.after(at, limit)).toEqual(model.filter((e) => e.seq > at).slice(0, limit));
        expect(index.page(limit, at)).toEqual(model.filter((e) => e.seq < at && e.kind === 'record').reverse().slice(0, limit));
        const bySeq = new Map<number, IndexEntry[]>();
        for (const e of model) bySeq.set(e.seq, [...(bySeq.get(e.seq) ?? []), e]);
        expect(index.duplicates()).toEqual([...bySeq.values()].filter((g) => g.length > 1));
        const ranges = new Map<string, { minSeq: number; maxSeq: number }>();
        for (const e of model) ranges.set(e.file, { minSeq: ranges.get(e.file)?.minSeq ?? e.seq, maxSeq: e.seq });
        expect(index.fileRanges()).toEqual(ranges);
        index.dropFiles(new Set(['calls-1970-01-01.jsonl']));
        expect(index.after(0, 5000)).toEqual(model.filter((e) => e.file !== 'calls-1970-01-01.jsonl'));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a pushed entry that is not newer than the last', () => {
    const index = new JournalIndex();
    index.push({ seq: 5, file: 'a', offset: 0, length: 30, kind: 'record' });
    expect(() => index.push({ seq: 5, file: 'a', offset: 31, length: 30, kind: 'record' })).toThrow(RangeError);
  });
});

describe('opening the journal', () => {
  it('checks and indexes every line without JSON.parse', async () => {
    const fs = new MemoryFs();
    const clock = fakeClock('2025-03-01T10:00:00Z');
    const writer = new JsonlJournal({ dir: '/j', logger: captureLogger(), clock, fs });
    await writer.open();
    for (let i = 0; i < 200; i++) await (i % 4 === 0 ? writer.appendEvent({ type: 'call.annotated', at: '2025-03-01T10:00:00Z', n: i }) : writer.append(makeRecord(`r${i}`)));
    await writer.close();

    const parse = vi.spyOn(JSON, 'parse');
    try {
      const reader = new JsonlJournal({ dir: '/j', logger: captureLogger(), clock, fs });
      await reader.open();
      expect(parse).not.toHaveBeenCalled();
      expect(reader.lastSeq()).toBe(200);
      expect((await reader.list({ limit: 1 }))[0]?.record.id).toBe('r199');
      expect(parse).toHaveBeenCalledTimes(1); // reading a record back does parse it
      await reader.close();
    } finally {
      parse.mockRestore();
    }
  });

  it('keeps 200k lines in under 24 bytes a line, room to grow included (a Pi Zero 2 W has 512 MB)', () => {
    const before = memoryInUse().total;
    const index = new JournalIndex();
    for (let seq = 1; seq <= 200_000; seq++) index.add(seq, `calls-2026-${String(1 + (seq % 12)).padStart(2, '0')}-01.jsonl`, seq * 600, 599, seq % 10 === 0 ? 'event' : 'record');
    index.sort();
    expect(index.size).toBe(200_000);
    expect((memoryInUse().total - before) / index.size).toBeLessThan(24);
  });

  it('refuses an offset past 4 GiB, which its 32-bit column cannot hold', () => {
    expect(() => new JournalIndex().add(1, 'calls-2026-01-01.jsonl', 2 ** 32, 10, 'record')).toThrow(/offset 4294967296 in calls-2026-01-01.jsonl/);
  });
});
