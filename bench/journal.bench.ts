/**
 * Call journal timings: append (write + fdatasync) p50/p99, list (a page of 100, newest and deep), and
 * open (scan + index) with 1k, 10k and 40k records (40k ≈ 400 days at 100 calls a day, SPEC R12).
 * Seed records are written straight into daily files (100 a day) without fsync to keep set-up short.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { dailyFileName } from '../src/adapters/journal/journal-files.ts';
import { JsonlJournal } from '../src/adapters/journal/jsonl-journal.ts';
import { encodeLine } from '../src/adapters/journal/line-format.ts';
import type { CallRecord } from '../src/core/record.ts';
import type { Logger } from '../src/ports/logger.ts';
import { summary } from './stats.ts';

const DAY_MS = 86_400_000;
const PER_DAY = 100;
const APPENDS = 500;
const LISTS = 200;

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function record(i: number): CallRecord {
  return {
    id: `bench-${i}`, unitId: 'desk-1', line: 1, direction: 'incoming', callerNumber: '+15550100',
    callerName: 'Caller', startedAt: '2025-03-01T09:00:00.000Z', rings: 2, answeredBy: 'receptionist',
    answeredAt: '2025-03-01T09:00:04.000Z', late: false, holds: [], talkMs: 95_000,
    endedAt: '2025-03-01T09:02:00.000Z', hungUpFirst: 'caller', outcome: 'answered', greetingPlayed: true,
    notes: 'asked about an invoice; will call back', category: 'billing', message: null, callbackDue: null,
    callbackDone: null, timeZone: 'Asia/Shanghai',
  };
}

async function seed(dir: string, n: number, startMs: number): Promise<void> {
  for (let day = 0; day * PER_DAY < n; day++) {
    const lines: Buffer[] = [];
    for (let i = day * PER_DAY; i < Math.min(n, (day + 1) * PER_DAY); i++) lines.push(encodeLine(i + 1, record(i + 1)));
    await writeFile(join(dir, dailyFileName(startMs + day * DAY_MS)), Buffer.concat(lines));
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export default async function run(): Promise<void> {
  for (const n of [1_000, 10_000, 40_000]) {
    const dir = await mkdtemp(join(tmpdir(), 'deskphone-journal-bench-'));
    try {
      const start = Date.parse('2024-01-01T12:00:00Z');
      await seed(dir, n, start);
      const now = start + Math.ceil(n / PER_DAY) * DAY_MS;
      const journal = new JsonlJournal({ dir, logger: quiet, clock: { now: () => now } });
      const openMs = await timed(() => journal.open());

      const newest: number[] = [];
      const deep: number[] = [];
      for (let i = 0; i < LISTS; i++) {
        newest.push(await timed(() => journal.list({ limit: 100 })));
        deep.push(await timed(() => journal.list({ limit: 100, beforeSeq: 1 + Math.floor(((i + 1) / (LISTS + 1)) * n) })));
      }
      const appends: number[] = [];
      for (let i = 0; i < APPENDS; i++) appends.push(await timed(() => journal.append(record(n + i + 1))));
      await journal.close();

      const rss = (process.memoryUsage().rss / 1e6).toFixed(0);
      console.log(`journal with ${n} records: open (scan + index) ${openMs.toFixed(1)} ms, rss ${rss} MB`);
      console.log(`  ${summary('append (write + fdatasync)', appends)}`);
      console.log(`  ${summary('list 100 newest', newest)}`);
      console.log(`  ${summary('list 100 deep (beforeSeq)', deep)}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
