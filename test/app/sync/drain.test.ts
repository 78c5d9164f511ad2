/**
 * Issue 10: a backlog of 200k journal entries (records and annotations) on the real JSONL journal drains
 * completely into PostgreSQL 15 (TLS). How fast, and how the call path fares meanwhile, is measured by
 * bench/upstream.bench.ts, not here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import { MemoryStateStore } from '../../../src/adapters/state/memory-state-store.ts';
import { PostgresSink } from '../../../src/adapters/upstream/postgres-sink.ts';
import { SyncEngine } from '../../../src/app/sync/sync-engine.ts';
import { postgresSinkSchema } from '../../../src/config/upstream-schema.ts';
import { systemClock } from '../../../src/ports/clock.ts';
import { startPostgres, type PostgresPeer } from '../../peers/postgres.ts';
import { memoryLogger } from '../../support/memory-logger.ts';
import { seedJournal } from './seed-journal.ts';

const PG_PORT = 27400;
const ENTRIES = 200_000;
let pg: PostgresPeer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-drain-'));
  pg = await startPostgres(PG_PORT);
  await pg.createDatabase('central');
});
afterAll(async () => {
  await pg?.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('backlog drain', () => {
  it(`drains ${ENTRIES} entries completely`, async () => {
    const { calls, events } = await seedJournal(join(dir, 'journal'), ENTRIES);
    const journal = new JsonlJournal({ dir: join(dir, 'journal'), logger: memoryLogger() });
    await journal.open();
    const sink = new PostgresSink({ config: postgresSinkSchema.parse({ url: pg.url({ database: 'central' }) }), logger: memoryLogger() });
    const engine = new SyncEngine({
      journal, store: new MemoryStateStore(), sinks: [sink], clock: systemClock, logger: memoryLogger(),
      settings: { unitId: 'desk-1', batchSize: 1000, pollMs: 200, retryMinMs: 100, retryMaxMs: 1000 },
    });
    engine.start();
    try {
      const end = Date.now() + 240_000;
      while (engine.stats()[0]!.backlog > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      expect(engine.stats()[0]).toMatchObject({ cursor: ENTRIES, backlog: 0, lastError: null });
    } finally {
      await engine.stop();
      await journal.close();
    }
    const [row] = await pg.query<{ calls: string; with_record: string; events: string; annotated: string }>(
      `SELECT (SELECT count(*) FROM deskphone.calls) AS calls, (SELECT count(*) FROM deskphone.calls WHERE record_seq IS NOT NULL) AS with_record,
              (SELECT count(*) FROM deskphone.events) AS events, (SELECT count(*) FROM deskphone.calls WHERE notes_seq > record_seq) AS annotated`,
      [],
      'central',
    );
    expect(Number(row!.calls)).toBe(calls);
    expect(Number(row!.with_record)).toBe(calls);
    expect(Number(row!.events)).toBe(events);
    expect(Number(row!.annotated)).toBe(events);
  }, 300_000);
});
