import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import type { JournalFs } from '../../../src/adapters/journal/journal-fs.ts';
import { nodeJournalFs } from '../../../src/adapters/journal/node-journal-fs.ts';
import { BadInputError, JournalError } from '../../../src/core/errors.ts';
import { seedJournal } from '../../http/export-fixture.ts';
import { captureLogger, fakeClock, makeRecord, tempDir } from './support.ts';

let dir: string;
let cleanup: () => Promise<void>;
const open: JsonlJournal[] = [];

async function openJournal(clock = fakeClock('2025-03-01T10:00:00Z')) {
  const logger = captureLogger();
  const journal = new JsonlJournal({ dir, logger, clock });
  open.push(journal);
  await journal.open();
  return { journal, logger, clock };
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((j) => j.close()));
  await cleanup();
});

describe('JsonlJournal', () => {
  it('appends and lists newest first, paging back by seq', async () => {
    const { journal } = await openJournal();
    for (let i = 1; i <= 25; i++) {
      const entry = await journal.append(makeRecord(`r${i}`));
      expect(entry.seq).toBe(i);
    }
    const first = await journal.list({ limit: 10 });
    expect(first.map((e) => e.seq)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(first[0]?.record).toEqual(makeRecord('r25'));
    const second = await journal.list({ limit: 10, beforeSeq: 16 });
    expect(second.map((e) => e.seq)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    const last = await journal.list({ limit: 10, beforeSeq: 6 });
    expect(last.map((e) => e.record.id)).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    expect(await journal.list({ beforeSeq: 1 })).toEqual([]);
    expect(await journal.list()).toHaveLength(25);
  });

  it('writes exactly one line per record to the daily file', async () => {
    const { journal } = await openJournal();
    await journal.append(makeRecord('a'));
    await journal.append(makeRecord('b'));
    const text = await readFile(join(dir, 'calls-2025-03-01.jsonl'), 'utf8');
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1] as string)).toMatchObject({ seq: 2, record: { id: 'b' }, crc: expect.stringMatching(/^[0-9a-f]{8}$/) });
  });

  it('opens many daily files reading them into a few buffers used in turn, none left per file for the collector', async () => {
    await seedJournal(dir, 3000, 100);
    let wholeFileReads = 0;
    const targets = new Set<ArrayBufferLike>();
    const fs: JournalFs = {
      ...nodeJournalFs,
      readFile: (path) => {
        wholeFileReads++;
        return nodeJournalFs.readFile(path);
      },
      readInto: (path, position, length, target, offset) => {
        targets.add(target.buffer);
        return (nodeJournalFs.readInto as NonNullable<JournalFs['readInto']>)(path, position, length, target, offset);
      },
    };
    const journal = new JsonlJournal({ dir, logger: captureLogger(), fs });
    open.push(journal);
    await journal.open();
    expect(journal.lastSeq()).toBe(3000);
    expect((await journal.readFrom(2999, 1))[0]).toMatchObject({ seq: 3000, record: { id: 'call-2999' } });
    expect(wholeFileReads).toBe(0);
    // 30 files: five buffers (four read ahead and the one being scanned), each grown once or twice at first.
    expect(targets.size).toBeLessThanOrEqual(10);
  });

  it('continues seq after reopening', async () => {
    const first = await openJournal();
    for (let i = 1; i <= 3; i++) await first.journal.append(makeRecord(`r${i}`));
    await first.journal.close();
    const { journal } = await openJournal();
    expect((await journal.append(makeRecord('r4'))).seq).toBe(4);
    expect((await journal.list()).map((e) => e.record.id)).toEqual(['r4', 'r3', 'r2', 'r1']);
  });

  it('keeps call order for concurrent appends and never interleaves bytes', async () => {
    const { journal } = await openJournal();
    const big = 'x'.repeat(20_000); // lines larger than a pipe buffer or page
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => journal.append(makeRecord(`c${i}`, { notes: i % 5 === 0 ? big : null }))),
    );
    expect(results.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(results.map((r) => r.record.id)).toEqual(Array.from({ length: 50 }, (_, i) => `c${i}`));
    await journal.close();
    const { journal: reopened, logger } = await openJournal();
    const listed = await reopened.list({ limit: 1000 });
    expect(listed.map((e) => e.record.id).reverse()).toEqual(results.map((r) => r.record.id));
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('starts a new file on a new UTC day and lists across files by seq', async () => {
    const clock = fakeClock('2025-03-01T23:59:59Z');
    const { journal } = await openJournal(clock);
    await journal.append(makeRecord('day1'));
    clock.set('2025-03-02T00:00:01Z');
    await journal.append(makeRecord('day2'));
    // No RTC: the clock jumps back to 1970 after a reboot; order still follows seq.
    clock.set('1970-01-01T00:00:05Z');
    await journal.append(makeRecord('boot'));
    clock.set('2025-03-02T08:00:00Z');
    await journal.append(makeRecord('day2-later'));
    expect((await readdir(dir)).sort()).toEqual(['calls-1970-01-01.jsonl', 'calls-2025-03-01.jsonl', 'calls-2025-03-02.jsonl']);
    await journal.close();
    const { journal: reopened } = await openJournal(clock);
    expect((await reopened.list()).map((e) => `${e.seq}:${e.record.id}`)).toEqual(['4:day2-later', '3:boot', '2:day2', '1:day1']);
    expect((await reopened.list({ limit: 2, beforeSeq: 4 })).map((e) => e.record.id)).toEqual(['boot', 'day2']);
  });

  it('rejects bad list options and bad records naming the field, and keeps working', async () => {
    const { journal } = await openJournal();
    await expect(journal.list({ limit: 0 })).rejects.toThrow(BadInputError);
    await expect(journal.list({ limit: 1001 })).rejects.toThrow(/limit/);
    await expect(journal.list({ beforeSeq: 1.5 })).rejects.toThrow(/beforeSeq/);
    const circular = makeRecord('loop') as unknown as Record<string, unknown>;
    circular.self = circular;
    await expect(journal.append(circular as never)).rejects.toMatchObject({ code: 'E_BAD_INPUT', field: 'record' });
    // The failed append spent no seq and did not block the queue.
    expect((await journal.append(makeRecord('ok'))).seq).toBe(1);
  });

  it('raises JournalError naming the path when the directory cannot be used', async () => {
    const notADir = join(dir, 'file');
    await (await import('node:fs/promises')).writeFile(notADir, 'x');
    const journal = new JsonlJournal({ dir: join(notADir, 'journal'), logger: captureLogger() });
    const err = await journal.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalError);
    expect((err as JournalError).path).toBe(join(notADir, 'journal'));
    expect((err as JournalError).code).toBe('E_JOURNAL');
  });

  it('fails an append whose daily file cannot be opened, naming it, and goes on with the next', async () => {
    const clock = fakeClock('2025-03-01T10:00:00Z');
    const { journal } = await openJournal(clock);
    await journal.append(makeRecord('a'));
    await mkdir(join(dir, 'calls-2025-03-02.jsonl')); // a directory where the next day's file should go
    clock.set('2025-03-02T10:00:00Z');
    const err = await journal.append(makeRecord('b')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalError);
    expect((err as JournalError).path).toBe(join(dir, 'calls-2025-03-02.jsonl'));
    clock.set('2025-03-03T10:00:00Z');
    expect((await journal.append(makeRecord('c'))).seq).toBe(2);
    expect((await journal.list()).map((e) => e.record.id)).toEqual(['c', 'a']);
  });

  it('completes the appends asked for before close()', async () => {
    const { journal } = await openJournal();
    const pending = Array.from({ length: 10 }, (_, i) => journal.append(makeRecord(`p${i}`)));
    await journal.close();
    expect((await Promise.all(pending)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const { journal: reopened } = await openJournal();
    expect((await reopened.list()).length).toBe(10);
  });

  it('refuses to append before open or after close', async () => {
    const journal = new JsonlJournal({ dir, logger: captureLogger() });
    await expect(journal.append(makeRecord('x'))).rejects.toThrow(/not open/);
    await journal.open();
    await journal.close();
    await expect(journal.append(makeRecord('x'))).rejects.toThrow(JournalError);
    expect((await stat(dir)).isDirectory()).toBe(true);
  });
});
