import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import { cutoffDate, filesToDelete } from '../../../src/adapters/journal/retention.ts';
import { captureLogger, fakeClock, makeRecord, tempDir } from './support.ts';

const f = (date: string) => `calls-${date}.jsonl`;

describe('filesToDelete', () => {
  it('computes the cutoff date N days back in UTC', () => {
    expect(cutoffDate(Date.parse('2025-06-01T01:00:00Z'), 400)).toBe('2024-04-27');
  });

  it('deletes files dated before the cutoff whose records are all older than the kept ones', () => {
    const files = [f('2024-01-01'), f('2024-01-02'), f('2025-01-01')];
    const ranges = new Map([
      [f('2024-01-01'), { minSeq: 1, maxSeq: 10 }],
      [f('2024-01-02'), { minSeq: 11, maxSeq: 20 }],
      [f('2025-01-01'), { minSeq: 21, maxSeq: 30 }],
    ]);
    expect([...filesToDelete(files, ranges, '2024-06-01')].sort()).toEqual([f('2024-01-01'), f('2024-01-02')]);
  });

  it('keeps a wrongly dated file (boot without RTC) that holds records newer than kept ones', () => {
    const files = [f('1970-01-01'), f('2024-01-01'), f('2024-01-02'), f('2025-01-01')];
    const ranges = new Map([
      [f('2024-01-01'), { minSeq: 1, maxSeq: 10 }],
      [f('2024-01-02'), { minSeq: 11, maxSeq: 20 }],
      [f('1970-01-01'), { minSeq: 25, maxSeq: 26 }], // written after 2025-01-01 began, with the clock at 1970
      [f('2025-01-01'), { minSeq: 21, maxSeq: 30 }],
    ]);
    expect([...filesToDelete(files, ranges, '2024-06-01')].sort()).toEqual([f('2024-01-01'), f('2024-01-02')]);
    // Interleaved with a file that is kept: only the seq prefix before it goes.
    ranges.set(f('1970-01-01'), { minSeq: 15, maxSeq: 16 });
    ranges.set(f('2024-01-02'), { minSeq: 11, maxSeq: 20 });
    expect([...filesToDelete(files, ranges, '2024-01-02')]).toEqual([f('2024-01-01')]);
  });

  it('never deletes the file holding the newest record, even if the clock ran far ahead', () => {
    const files = [f('2024-01-01'), f('2024-01-02')];
    const ranges = new Map([
      [f('2024-01-01'), { minSeq: 1, maxSeq: 10 }],
      [f('2024-01-02'), { minSeq: 11, maxSeq: 20 }],
    ]);
    expect([...filesToDelete(files, ranges, '2099-01-01')]).toEqual([f('2024-01-01')]);
  });
});

describe('JsonlJournal.deleteOlderThan', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let journal: JsonlJournal | undefined;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    await journal?.close();
    await cleanup();
  });

  it('deletes old daily files with their side files and keeps listing the rest', async () => {
    const clock = fakeClock('2024-01-01T12:00:00Z');
    journal = new JsonlJournal({ dir, logger: captureLogger(), clock });
    await journal.open();
    for (const day of ['2024-01-01', '2024-01-02', '2025-03-01']) {
      clock.set(`${day}T12:00:00Z`);
      await journal.append(makeRecord(`${day}-a`));
      await journal.append(makeRecord(`${day}-b`));
    }
    await writeFile(join(dir, `${f('2024-01-01')}.corrupt`), '');
    await expect(journal.deleteOlderThan(0)).rejects.toMatchObject({ field: 'days' });

    expect(await journal.deleteOlderThan(400)).toEqual([f('2024-01-01'), f('2024-01-02')]);
    expect(await readdir(dir)).toEqual([f('2025-03-01')]);
    expect((await journal.list()).map((e) => e.seq)).toEqual([6, 5]);
    expect((await journal.append(makeRecord('after'))).seq).toBe(7);
    expect(await journal.deleteOlderThan(400)).toEqual([]);
  });
});
