import { describe, expect, it, vi } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import type { AppendHandle, JournalFs } from '../../../src/adapters/journal/journal-fs.ts';
import { MemoryFs } from '../../../src/adapters/journal/memory-fs.ts';
import { JournalError } from '../../../src/core/errors.ts';
import { captureLogger, fakeClock, makeRecord, wrapFs } from './support.ts';

const DIR = '/data/journal';
type Fault = 'append' | 'truncate' | 'readdir';

/** A MemoryFs whose calls named in `faults` fail with EIO, as a dying disk does. */
function faultyFs(fs: MemoryFs, faults: Set<Fault>): JournalFs {
  const gate = (what: Fault): void => {
    if (faults.has(what)) throw Object.assign(new Error(`EIO: ${what} failed`), { code: 'EIO' });
  };
  return wrapFs(fs, {
    readdir: async (dir) => (gate('readdir'), fs.readdir(dir)),
    handle: (handle: AppendHandle) => ({
      ...handle,
      append: async (data) => (gate('append'), handle.append(data)),
      truncate: async (length) => (gate('truncate'), handle.truncate(length)),
    }),
  });
}

async function setUp(faults: Set<Fault>) {
  const memory = new MemoryFs();
  const logger = captureLogger();
  const journal = new JsonlJournal({
    dir: DIR,
    logger,
    clock: fakeClock('2025-03-01T10:00:00Z'),
    fs: faultyFs(memory, faults),
    reopenRetry: { minTimeoutMs: 5, maxTimeoutMs: 20 },
  });
  await journal.open();
  const health: Array<[boolean, string | undefined]> = [];
  const unsubscribe = journal.onHealth((ok, reason) => health.push([ok, reason]));
  return { memory, logger, journal, health, unsubscribe };
}

describe('JsonlJournal health', () => {
  it('reports a failed append that was undone, and ok again after the next append works', async () => {
    const faults = new Set<Fault>();
    const { journal, health } = await setUp(faults);
    await journal.append(makeRecord('a'));
    expect(health).toEqual([]);
    faults.add('append');
    await expect(journal.append(makeRecord('b'))).rejects.toThrow(/append of seq 2 failed: EIO/);
    expect(health).toEqual([[false, expect.stringContaining('append of seq 2 failed')]]);
    faults.delete('append');
    expect((await journal.append(makeRecord('c'))).seq).toBe(3); // seq 2 stays spent
    expect(health.at(-1)).toEqual([true, undefined]);
    expect((await journal.list()).map((e) => e.record.id)).toEqual(['c', 'a']);
    await journal.close();
  });

  it('a broken journal refuses appends, reopens itself with backoff, and reports each change', async () => {
    const faults = new Set<Fault>();
    const { memory, journal, health, logger, unsubscribe } = await setUp(faults);
    await journal.append(makeRecord('a'));
    // The write fails and so does cutting it back: the file may end in a partial line.
    faults.add('append').add('truncate').add('readdir');
    await expect(journal.append(makeRecord('b'))).rejects.toThrow(JournalError);
    expect(health).toEqual([[false, expect.stringContaining('could not be undone')]]);
    await expect(journal.append(makeRecord('c'))).rejects.toThrow(/could not be undone; reopening/);
    // Reopening keeps failing while the directory cannot be read: retried, warned, still not ok.
    await vi.waitFor(() => expect(logger.lines.filter((l) => l.msg?.includes('reopening the broken journal failed')).length).toBeGreaterThanOrEqual(3));
    expect(health).toHaveLength(1);

    // A partial line from the failed write, as a real disk may leave it: the reopen cuts it.
    faults.clear();
    const { handle } = await memory.openAppend(`${DIR}/calls-2025-03-01.jsonl`);
    await handle.append(Buffer.from('{"seq":2,"record":{"id":"b"'));
    await vi.waitFor(() => expect(health.at(-1)).toEqual([true, undefined]));
    expect(logger.lines.some((l) => l.msg?.includes('cutting a torn tail'))).toBe(true);
    // seq 2 was spent by the failed write; the refused append of c spent none.
    expect((await journal.append(makeRecord('d'))).seq).toBe(3);
    expect((await journal.readFrom(0, 10)).map((e) => e.seq)).toEqual([1, 3]);

    unsubscribe();
    faults.add('append');
    await expect(journal.append(makeRecord('e'))).rejects.toThrow();
    expect(health).toHaveLength(2);
    await journal.close();
  });

  it('a listener that throws does not fail the append that made it healthy again', async () => {
    const faults = new Set<Fault>(['append']);
    const { journal, logger } = await setUp(faults);
    journal.onHealth(() => {
      throw new Error('listener bug');
    });
    await expect(journal.append(makeRecord('a'))).rejects.toThrow(/EIO/);
    faults.clear();
    expect((await journal.append(makeRecord('b'))).seq).toBe(2);
    expect(logger.lines.filter((l) => l.msg === 'a journal health listener failed')).toHaveLength(2);
    await journal.close();
  });

  it('close() stops a reopen that keeps failing', async () => {
    const faults = new Set<Fault>();
    const { journal, logger } = await setUp(faults);
    faults.add('append').add('truncate').add('readdir');
    await expect(journal.append(makeRecord('a'))).rejects.toThrow();
    await journal.close();
    const attempts = logger.lines.filter((l) => l.msg?.includes('reopening the broken journal failed')).length;
    await new Promise((r) => setTimeout(r, 60));
    expect(logger.lines.filter((l) => l.msg?.includes('reopening the broken journal failed')).length).toBe(attempts);
    expect(logger.lines.some((l) => l.msg?.includes('gave up'))).toBe(false);
  });
});
