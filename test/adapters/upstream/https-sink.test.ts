/**
 * HTTPS sink against a local HTTPS collector with a test CA: NDJSON batches with an Idempotency-Key, only
 * a 2xx moves the cursor, 500 is retried, 429 and 503 honour Retry-After (seconds and HTTP date), a slow
 * answer within the timeout is fine and one past it is retried. Runs the real sync engine on real timers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.ts';
import { MemoryStateStore } from '../../../src/adapters/state/memory-state-store.ts';
import { HttpsSink, retryAfterMs } from '../../../src/adapters/upstream/https-sink.ts';
import { cursorKey, SyncEngine } from '../../../src/app/sync/sync-engine.ts';
import { httpsSinkSchema } from '../../../src/config/upstream-schema.ts';
import { systemClock } from '../../../src/ports/clock.ts';
import { startHttpsCollector, type HttpsCollector } from '../../peers/https-collector.ts';
import { makeTestCa, type TestCa } from '../../peers/test-ca.ts';
import { memoryLogger } from '../../support/memory-logger.ts';
import { makeCall, prng } from './call-fixtures.ts';

const PORT = 27100;
let dir: string;
let ca: TestCa;
let collector: HttpsCollector;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-https-sink-'));
  ca = await makeTestCa(dir);
  collector = await startHttpsCollector(PORT, ca);
});
afterAll(async () => {
  await collector?.close();
  await rm(dir, { recursive: true, force: true });
});

const sinkWith = (extra: Record<string, unknown> = {}) =>
  new HttpsSink({ config: httpsSinkSchema.parse({ url: collector.url, caFile: ca.caCert, token: 'tok-1', timeoutMs: 800, ...extra }), logger: memoryLogger() });

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HTTPS sink', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon', 0)).toBeNull();
    expect(retryAfterMs(undefined, 0)).toBeNull();
  });

  it('delivers every entry through 500, 429 and 503 with Retry-After, and slow answers; only a 2xx moves the cursor', async () => {
    collector.requests.length = 0;
    const journal = new MemoryJournal();
    const rand = prng(3);
    for (let i = 0; i < 30; i++) {
      await journal.append(makeCall(i, rand));
      if (i % 4 === 0) await journal.appendEvent({ type: 'call.annotated', at: '2026-03-29T10:00:00.000Z', callId: `desk-1-call-${i}`, notes: `n${i}` });
    }
    const total = journal.lastSeq();
    collector.script(
      { status: 500 },
      { status: 429, retryAfter: '1' },
      { status: 200, delayMs: 300 }, // slow but within the timeout
      { status: 503, retryAfter: () => new Date(Date.now() + 2500).toUTCString() },
      { status: 200, delayMs: 1500 }, // past the 800 ms timeout: the batch is resent
      { status: 204 },
    );
    const store = new MemoryStateStore();
    const engine = new SyncEngine({
      journal, store, sinks: [sinkWith()], clock: systemClock, logger: memoryLogger(),
      settings: { unitId: 'desk-1', batchSize: 10, pollMs: 50, retryMinMs: 20, retryMaxMs: 100 },
    });
    engine.start();
    try {
      await until(() => engine.stats()[0]!.cursor === total);
    } finally {
      await engine.stop();
    }
    const reqs = collector.requests;
    expect(reqs.map((r) => r.status).slice(0, 6)).toEqual([500, 429, 200, 503, 200, 204]);
    // 429 Retry-After: 1 s; 503 with a date about 2 s ahead: the next attempt waited at least that long.
    expect(reqs[2]!.at - reqs[1]!.at).toBeGreaterThanOrEqual(1000);
    expect(reqs[4]!.at - reqs[3]!.at).toBeGreaterThanOrEqual(1500);
    // A refused batch is resent with the same key; the slow-past-timeout one too.
    expect(reqs[0]!.headers['idempotency-key']).toBe('desk-1:1-10');
    expect(reqs[1]!.headers['idempotency-key']).toBe('desk-1:1-10');
    expect(reqs[4]!.headers['idempotency-key']).toBe(reqs[5]!.headers['idempotency-key']);
    for (const r of reqs) {
      expect(r.headers['content-type']).toBe('application/x-ndjson');
      expect(r.headers.authorization).toBe('Bearer tok-1');
    }
    // Distinct (unitId, seq) over the 2xx answers: every entry exactly once, with its content.
    const accepted = reqs.filter((r) => r.status < 300).flatMap((r) => r.lines);
    const bySeq = new Map(accepted.map((l) => [l.seq as number, l]));
    expect([...bySeq.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    for (const e of journal.all) {
      const line = bySeq.get(e.seq)!;
      expect(line.unitId).toBe('desk-1');
      expect('record' in e ? line.record : line.event).toEqual('record' in e ? e.record : e.event);
    }
    expect(store.get(cursorKey('https'))).toBe(total);
  });

  it('check() names refused, TLS and auth problems', async () => {
    const checks = [
      await sinkWith({ url: 'https://127.0.0.1:27101/ingest' }).check(),
      await sinkWith({ caFile: ca.otherCaCert }).check(),
    ];
    collector.script({ status: 401 });
    checks.push(await sinkWith().check());
    checks.push(await sinkWith().check());
    expect(checks.map((c) => (c.ok ? 'ok' : c.problem))).toEqual(['refused', 'tls', 'auth', 'ok']);
  });
});
