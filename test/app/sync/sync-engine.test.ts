import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.ts';
import { MemoryStateStore } from '../../../src/adapters/state/memory-state-store.ts';
import { cursorKey, SyncEngine, type SyncSettings } from '../../../src/app/sync/sync-engine.ts';
import type { CallRecord } from '../../../src/core/record.ts';
import { memoryLogger } from '../../support/memory-logger.ts';
import { FakeSink } from './fake-sink.ts';

const settings: SyncSettings = { unitId: 'desk-1', batchSize: 10, pollMs: 1000, retryMinMs: 1000, retryMaxMs: 8000 };
const clock = { now: () => Date.now(), monotonic: () => Date.now() };

function record(i: number): CallRecord {
  return {
    id: `call-${i}`, unitId: 'desk-1', line: 1, direction: 'incoming', callerNumber: '13800138000', callerName: null,
    startedAt: '2026-01-05T01:00:00.000Z', rings: 2, answeredBy: 'receptionist', answeredAt: '2026-01-05T01:00:05.000Z',
    late: false, holds: [], talkMs: 1000, endedAt: '2026-01-05T01:00:06.000Z', hungUpFirst: 'caller', outcome: 'answered',
    greetingPlayed: false, notes: null, category: null, message: null, callbackDue: null, callbackDone: null, timeZone: 'Asia/Shanghai',
  };
}

async function fill(journal: MemoryJournal, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await journal.append(record(journal.lastSeq() + 1));
}

describe('SyncEngine', () => {
  let journal: MemoryJournal;
  let store: MemoryStateStore;
  let engines: SyncEngine[];
  const make = (sinks: FakeSink[], onBacklog?: (at: number | null) => void) => {
    const engine = new SyncEngine({ journal, store, sinks, clock, logger: memoryLogger(), settings, onBacklog });
    engines.push(engine);
    return engine;
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    journal = new MemoryJournal();
    store = new MemoryStateStore();
    engines = [];
  });
  afterEach(async () => {
    const stopping = Promise.all(engines.map((e) => e.stop()));
    await vi.advanceTimersByTimeAsync(10);
    await stopping;
    vi.useRealTimers();
  });

  it('sends every entry once, in batches of batchSize, and stores the cursor after each', async () => {
    await fill(journal, 25);
    await journal.appendEvent({ type: 'call.annotated', at: '2026-01-05T02:00:00.000Z', callId: 'call-3', notes: 'x' });
    const sink = new FakeSink();
    make([sink]).start();
    await vi.advanceTimersByTimeAsync(10);
    expect(sink.batches.map((b) => b.length)).toEqual([10, 10, 6]);
    expect(sink.seqs).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect(store.get(cursorKey('fake'))).toBe(26);
  });

  it('starts from the stored cursor after a restart', async () => {
    await fill(journal, 12);
    await store.set(cursorKey('fake'), 7);
    const sink = new FakeSink();
    make([sink]).start();
    await vi.advanceTimersByTimeAsync(10);
    expect(sink.seqs).toEqual([8, 9, 10, 11, 12]);
  });

  it('picks up new entries when notified, and by polling', async () => {
    const sink = new FakeSink();
    const engine = make([sink]);
    engine.start();
    await fill(journal, 2);
    engine.notify();
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.seqs).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(500);
    await fill(journal, 1);
    await vi.advanceTimersByTimeAsync(400);
    expect(sink.seqs).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(200);
    expect(sink.seqs).toEqual([1, 2, 3]);
  });

  it('keeps the cursor on failure and retries with growing, jittered, capped backoff', async () => {
    await fill(journal, 3);
    const sink = new FakeSink();
    sink.failNext = 7;
    const engine = make([sink]);
    engine.start();
    await vi.advanceTimersByTimeAsync(1);
    const stats = engine.stats()[0]!;
    expect(stats.cursor).toBe(0);
    expect(stats.backlog).toBe(3);
    expect(stats.lastError?.message).toMatch(/connection refused/);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sink.attempts).toHaveLength(8);
    const gaps = sink.attempts.slice(1).map((t, i) => t - sink.attempts[i]!);
    // Attempt n waits min * 2^(n-1) times a random factor in [1, 2), never more than the cap.
    gaps.forEach((gap, n) => {
      expect(gap).toBeGreaterThanOrEqual(Math.min(1000 * 2 ** n, 8000));
      expect(gap).toBeLessThanOrEqual(8000);
    });
    expect(gaps.slice(-3)).toEqual([8000, 8000, 8000]);
    expect(sink.seqs).toEqual([1, 2, 3]);
    expect(engine.stats()[0]).toMatchObject({ cursor: 3, backlog: 0, lastError: null, failures: 7, sent: 3 });
  });

  it('honours Retry-After before the next attempt', async () => {
    await fill(journal, 1);
    const sink = new FakeSink();
    sink.failNext = 1;
    sink.retryAfterMs = 30_000;
    make([sink]).start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sink.attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_001);
    expect(sink.attempts).toHaveLength(2);
    expect(sink.attempts[1]! - sink.attempts[0]!).toBeGreaterThanOrEqual(31_000);
  });

  it('reports a cursor it cannot store and stores it on the next try, without resending the batch', async () => {
    await fill(journal, 2);
    // The write after the batch and the one before resting both fail.
    store.failNext = 2;
    const sink = new FakeSink();
    const engine = make([sink]);
    engine.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.stats()[0]).toMatchObject({ cursor: 2 });
    expect(engine.stats()[0]!.lastError?.message).toMatch(/state write failed/);
    expect(store.get(cursorKey('fake'))).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.get(cursorKey('fake'))).toBe(2);
    expect(engine.stats()[0]!.lastError).toBeNull();
    expect(sink.batches).toEqual([[1, 2]]);
  });

  it('reads the next batch of a backlog, and has the sink encode it, while one is on its way', async () => {
    await fill(journal, 30);
    const reads = vi.spyOn(journal, 'readFrom');
    const sink = new FakeSink();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const send = sink.send.bind(sink);
    sink.send = async (batch) => {
      await held;
      return send(batch);
    };
    const engine = make([sink]);
    engine.start();
    await vi.advanceTimersByTimeAsync(1);
    // The first batch is still on its way, and the second has been read and handed to the sink to encode.
    expect(sink.batches).toEqual([]);
    expect(reads.mock.calls).toEqual([[0, 10], [10, 10]]);
    expect(sink.prepared).toEqual([Array.from({ length: 10 }, (_, i) => 11 + i)]);
    release();
    await vi.advanceTimersByTimeAsync(10);
    const range = (from: number) => Array.from({ length: 10 }, (_, i) => from + i);
    expect(sink.batches).toEqual([range(1), range(11), range(21)]);
    expect(sink.prepared).toEqual([range(11), range(21)]);
    expect(store.get(cursorKey('fake'))).toBe(30);
  });

  it('reports the oldest unsent entry on the monotonic clock, per sink and overall', async () => {
    const reports: (number | null)[] = [];
    const ok = new FakeSink('ok');
    const down = new FakeSink('down');
    down.failNext = 1000;
    const engine = make([ok, down], (at) => reports.push(at));
    engine.start();
    expect(reports).toEqual([null]);
    const appendedAt = Date.now();
    await fill(journal, 1);
    engine.notify();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reports).toEqual([null, appendedAt]);
    const [a, b] = engine.stats();
    expect(a).toMatchObject({ sink: 'ok', backlog: 0, oldestUnsentAgeMs: null });
    expect(b).toMatchObject({ sink: 'down', backlog: 1, oldestUnsentAgeMs: 60_000 });
    expect(engine.confirmedThrough()).toBe(0);
    down.failNext = 0;
    await vi.advanceTimersByTimeAsync(8000);
    expect(reports.at(-1)).toBeNull();
    expect(engine.confirmedThrough()).toBe(1);
  });

  it('stop() ends the loops and closes the sinks even while a batch is being retried', async () => {
    await fill(journal, 1);
    const sink = new FakeSink();
    sink.failNext = 1000;
    const engine = make([sink]);
    engine.start();
    await vi.advanceTimersByTimeAsync(5000);
    const stopping = engine.stop();
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    const attempts = sink.attempts.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sink.attempts).toHaveLength(attempts);
    expect(sink.closed).toBe(true);
  });
});
