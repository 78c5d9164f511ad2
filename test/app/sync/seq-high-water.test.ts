/**
 * The journal's seq high-water mark (issue 17): after the journal's files are lost (or an older copy is
 * restored), new entries get seqs above every sync cursor and every seq issued before, so they are sent
 * upstream and retention does not take them for confirmed. Real JSONL journal and lowdb state store on disk,
 * the real sync engine with a fake sink.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import { HIGH_WATER_KEY, SeqHighWater } from '../../../src/adapters/journal/seq-high-water.ts';
import { LowdbStateStore } from '../../../src/adapters/state/lowdb-state-store.ts';
import { MemoryStateStore } from '../../../src/adapters/state/memory-state-store.ts';
import { RetentionSchedule } from '../../../src/app/sync/retention-schedule.ts';
import { storedCursorFloor } from '../../../src/app/sync/start-sync.ts';
import { cursorKey, SyncEngine } from '../../../src/app/sync/sync-engine.ts';
import { makeRecord } from '../../adapters/journal/support.ts';
import { memoryLogger } from '../../support/memory-logger.ts';
import { FakeSink } from './fake-sink.ts';

const settings = { unitId: 'desk-1', batchSize: 50, pollMs: 20, retryMinMs: 20, retryMaxMs: 100 };
let dir = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-highwater-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** The unit's wiring (src/app/compose.ts): one state store for the cursors and the mark. */
async function open(now: { ms: number }) {
  const store = new LowdbStateStore(join(dir, 'state', 'sync.json'));
  await store.open();
  const logger = memoryLogger();
  const highWater = new SeqHighWater({ store, logger, also: () => storedCursorFloor(store) });
  const journal = new JsonlJournal({ dir: join(dir, 'journal'), logger, highWater, clock: { now: () => now.ms } });
  await journal.open();
  const clock = { now: () => now.ms, monotonic: () => performance.now() };
  const sync = (sink: FakeSink) => new SyncEngine({ journal, store, sinks: [sink], clock, logger, settings });
  return { store, journal, sync, clock, logger, close: async () => { await journal.close(); await store.close(); } };
}

const endedAt = (ms: number) => new Date(ms).toISOString();

describe('journal seq high-water mark', () => {
  it('journal files deleted: the next entries are numbered above the cursor, sent, and kept by retention', async () => {
    const now = { ms: Date.parse('2026-01-01T10:00:00Z') };
    const first = await open(now);
    for (let i = 1; i <= 5; i++) await first.journal.append(makeRecord(`old-${i}`, { endedAt: endedAt(now.ms) }));
    const before = new FakeSink('postgres');
    const engine = first.sync(before);
    engine.start();
    await until('the first five sent', () => before.seqs.length === 5);
    await engine.stop();
    expect(first.store.get(cursorKey('postgres'))).toBe(5);
    await first.close();

    // The journal is lost (card swapped, files deleted by hand); the state directory survives.
    const journalDir = join(dir, 'journal');
    for (const f of await readdir(journalDir)) await rm(join(journalDir, f));

    const again = await open(now);
    expect(again.journal.lastSeq()).toBe(5);
    // Two new calls, a month apart (two daily files): retention may delete the older file only once it is sent.
    now.ms = Date.parse('2026-02-01T10:00:00Z');
    expect((await again.journal.append(makeRecord('new-1', { endedAt: endedAt(now.ms) }))).seq).toBe(6);
    now.ms = Date.parse('2026-03-05T10:00:00Z');
    expect((await again.journal.append(makeRecord('new-2', { endedAt: endedAt(now.ms) }))).seq).toBe(7);

    const sink = new FakeSink('postgres');
    const running = again.sync(sink);
    const retention = new RetentionSchedule({ journal: again.journal, days: 30, confirmedThrough: () => running.confirmedThrough(), clock: again.clock, logger: again.logger });
    running.start();
    // Nothing new confirmed yet: retention (30 days) must leave the February file alone.
    expect(await retention.runOnce()).toEqual({ skipped: 'sinks have confirmed up to seq 5 of 7' });
    await until('the new entries sent', () => sink.seqs.length === 2);
    expect(sink.seqs).toEqual([6, 7]);
    expect((await again.journal.readFrom(0, 10)).map((e) => e.seq)).toEqual([6, 7]);
    await running.stop();
    expect(again.store.get(cursorKey('postgres'))).toBe(7);
    await again.close();
  });

  it('an older copy of the journal restored: seqs go on above every seq issued, not from the copy', async () => {
    const now = { ms: Date.parse('2026-01-01T10:00:00Z') };
    const first = await open(now);
    for (let i = 1; i <= 3; i++) await first.journal.append(makeRecord(`a-${i}`));
    await first.close();
    const copy = join(dir, 'copy');
    await rm(copy, { recursive: true, force: true });
    const { cp } = await import('node:fs/promises');
    await cp(join(dir, 'journal'), copy, { recursive: true });
    const second = await open(now);
    for (let i = 4; i <= 8; i++) await second.journal.append(makeRecord(`a-${i}`));
    await second.close();
    await rm(join(dir, 'journal'), { recursive: true });
    await cp(copy, join(dir, 'journal'), { recursive: true });

    // No sink ever saw seqs 4 to 8; they were issued all the same (live events, exports): never reused.
    const third = await open(now);
    expect((await third.journal.append(makeRecord('b-1'))).seq).toBe(9);
    await third.close();
  });

  it('a unit from before the mark: the stored cursors are the floor', () => {
    const store = new MemoryStateStore();
    store.data.set(cursorKey('https'), 40);
    store.data.set(cursorKey('syslog'), 12);
    const highWater = new SeqHighWater({ store, logger: memoryLogger(), also: () => storedCursorFloor(store) });
    expect(highWater.floor()).toBe(40);
    store.data.set(HIGH_WATER_KEY, 55);
    expect(highWater.floor()).toBe(55);
  });

  it('the mark is written after appends, one write at a time, the newest value; a failed write is retried', async () => {
    const store = new MemoryStateStore();
    const highWater = new SeqHighWater({ store, logger: memoryLogger() });
    store.failNext = 1;
    highWater.note(1);
    await highWater.flush();
    expect(store.get(HIGH_WATER_KEY)).toBeUndefined();
    highWater.note(2);
    highWater.note(3);
    await highWater.flush();
    expect(store.get(HIGH_WATER_KEY)).toBe(3);
    expect(highWater.floor()).toBe(3);
  });
});
