/**
 * Issue 10: a backlog of 200k journal entries (records and annotations) on the real JSONL journal drains
 * completely into PostgreSQL 15 (TLS) inside a running unit, and the unit stays responsive meanwhile: every
 * GET /api/v1/status is answered, a call that rings mid-drain shows in the status while the backlog is still
 * there, and its record goes upstream too. How fast it drains and the status latency while it does are
 * measured by bench/upstream.bench.ts, not here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import { SimulatedPanel } from '../../../src/adapters/panel/simulated-panel.ts';
import { FakeSipLine } from '../../../src/adapters/sip/fake-sip-line.ts';
import { startUnit } from '../../../src/app/compose.ts';
import { createLogger } from '../../../src/app/logger.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { pollStatus } from '../../e2e/status-poller.ts';
import { startPostgres, type PostgresPeer } from '../../peers/postgres.ts';
import { seedJournal } from './seed-journal.ts';

const PG_PORT = 27400;
const HTTP_PORT = 27410;
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

interface StatusBody {
  call: { state: string } | null;
  sync: { sinks: { sink: string; backlog: number }[] } | unknown;
}

async function status(url: string): Promise<StatusBody> {
  const res = await fetch(`${url}/api/v1/status`);
  expect(res.status).toBe(200);
  return (await res.json()) as StatusBody;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('backlog drain in a running unit', () => {
  it(`drains ${ENTRIES} entries completely while the unit answers its status and takes a call`, async () => {
    const { calls, events } = await seedJournal(join(dir, 'journal'), ENTRIES);
    const logger = createLogger('silent');
    const config = parseConfig({
      unitId: 'desk-1',
      dataDir: dir,
      http: { host: '127.0.0.1', port: HTTP_PORT },
      greetings: { autoAnswerAfterRings: 0 },
      upstream: { postgres: { url: pg.url({ database: 'central' }) }, batchSize: 1000, pollMs: 200, retryMinMs: 100, retryMaxMs: 1000 },
      log: { level: 'silent' },
    });
    const journal = new JsonlJournal({ dir: join(dir, 'journal'), logger });
    const sip = new FakeSipLine();
    const running = await startUnit(config, logger, { journal, sip, panel: new SimulatedPanel(logger) });
    const backlog = () => running.sync.stats()[0]!.backlog;
    let rangDuringDrain = false;
    try {
      let drainedNow!: () => void;
      const drained = new Promise<void>((r) => (drainedNow = r));
      const polling = pollStatus(running.url, drained, 50);
      const deadline = Date.now() + 240_000;
      // A call rings once the drain is well under way, while much of the backlog is still unsent.
      while (backlog() > ENTRIES * 0.8 && Date.now() < deadline) await sleep(20);
      sip.raise({ type: 'sip.up' });
      sip.raise({ type: 'call.incoming', callId: 'mid-drain', number: '13800138000', displayName: null });
      const ringing = await status(running.url);
      rangDuringDrain = ringing.call?.state === 'ringing' && backlog() > 0;
      sip.raise({ type: 'call.closed', callId: 'mid-drain', reason: 'remote' });
      while ((backlog() > 0 || journal.lastSeq() === ENTRIES) && Date.now() < deadline) await sleep(100);
      drainedNow();
      const poll = await polling;
      expect(rangDuringDrain, 'the call showed as ringing while the backlog drained').toBe(true);
      expect(poll.failures).toEqual([]);
      expect(poll.latencies.length).toBeGreaterThan(0);
      expect(running.sync.stats()[0]).toMatchObject({ cursor: ENTRIES + 1, backlog: 0, lastError: null });
    } finally {
      await running.stop();
    }
    const [row] = await pg.query<{ calls: string; with_record: string; events: string; annotated: string; mid: string }>(
      `SELECT (SELECT count(*) FROM deskphone.calls) AS calls, (SELECT count(*) FROM deskphone.calls WHERE record_seq IS NOT NULL) AS with_record,
              (SELECT count(*) FROM deskphone.events) AS events, (SELECT count(*) FROM deskphone.calls WHERE notes_seq > record_seq) AS annotated,
              (SELECT count(*) FROM deskphone.calls WHERE record_seq = $1 AND caller_number = '13800138000') AS mid`,
      [ENTRIES + 1],
      'central',
    );
    expect(Number(row!.calls)).toBe(calls + 1);
    expect(Number(row!.with_record)).toBe(calls + 1);
    expect(Number(row!.events)).toBe(events);
    expect(Number(row!.annotated)).toBe(events);
    expect(Number(row!.mid)).toBe(1);
  }, 300_000);
});
