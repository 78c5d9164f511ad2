/**
 * Call journal (issue 6, item 7):
 * - open (scan + index) with 1k, 40k and 200k records (200k = 500 calls a day for 400 days, SPEC R12), each
 *   in a fresh process with --expose-gc: wall and CPU time, JS heap used after a forced GC above an empty
 *   journal;
 * - append (write + fdatasync) p50/p99 at 1k and at 200k records and their ratio: the two journals are open
 *   together and appended to in turn, so both see the same disk and the same neighbours;
 * - bytes this process sent to the block device per append (/proc/self/io write_bytes);
 * - list (a page of 100, newest and deep) and reading every entry by seq (readFrom) at 200k.
 * Seed lines are written straight into daily files with the line encoder (no fsync) to keep set-up short.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { dailyFileName } from '../src/adapters/journal/journal-files.ts';
import { JsonlJournal } from '../src/adapters/journal/jsonl-journal.ts';
import { encodeLine } from '../src/adapters/journal/line-format.ts';
import type { CallRecord } from '../src/core/record.ts';
import type { Logger } from '../src/ports/logger.ts';
import { record as recordFigure } from './report.ts';
import { percentile, summary } from './stats.ts';

const DAY_MS = 86_400_000;
const PER_DAY = 500;
const SIZES = [1_000, 40_000, 200_000];
const SMALL = 1_000;
const LARGE = 200_000;
const APPENDS = 300;
const LISTS = 100;
const READ_BATCH = 5000;
const START = Date.parse('2024-01-01T12:00:00Z');
const CHILD = fileURLToPath(new URL('./journal-open-child.ts', import.meta.url));

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

async function seed(dir: string, n: number): Promise<void> {
  for (let day = 0; day * PER_DAY < n; day++) {
    const lines: Buffer[] = [];
    for (let i = day * PER_DAY; i < Math.min(n, (day + 1) * PER_DAY); i++) lines.push(encodeLine(i + 1, record(i + 1)));
    await writeFile(join(dir, dailyFileName(START + day * DAY_MS)), Buffer.concat(lines));
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Bytes this process has caused to be written to storage (Linux). */
async function writeBytes(): Promise<number> {
  const io = await readFile('/proc/self/io', 'utf8');
  return Number(/^write_bytes: (\d+)$/m.exec(io)?.[1] ?? NaN);
}

interface OpenFigures {
  entries: number;
  openMs: number;
  cpuMs: number;
  heapAboveEmptyMB: number;
  arrayBuffersMB: number;
  rssMB: number;
}

async function openInChild(dir: string): Promise<OpenFigures> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, dir]);
  return JSON.parse(stdout) as OpenFigures;
}

/** A journal of `n` seeded records, opened with its clock on the day after the last seeded one. */
async function seededJournal(dir: string, n: number): Promise<JsonlJournal> {
  const now = START + Math.ceil(n / PER_DAY) * DAY_MS;
  const journal = new JsonlJournal({ dir, logger: quiet, clock: { now: () => now } });
  await journal.open();
  await journal.append(record(n + 1)); // opens today's file (and syncs the directory) outside the timing
  return journal;
}

export default async function run(): Promise<void> {
  // Timings on a shared machine depend on its neighbours: say how busy it was.
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const dirs = new Map<number, string>();
  try {
    for (const n of SIZES) {
      const dir = await mkdtemp(join(tmpdir(), 'deskphone-journal-bench-'));
      dirs.set(n, dir);
      await seed(dir, n);
      const o = await openInChild(dir);
      console.log(
        `journal with ${n} records: open (fresh process) ${o.openMs.toFixed(0)} ms wall, ${o.cpuMs.toFixed(0)} ms CPU; ` +
          `JS heap after GC ${o.heapAboveEmptyMB.toFixed(1)} MB above an empty journal (array buffers ${o.arrayBuffersMB.toFixed(1)} MB, rss ${o.rssMB.toFixed(0)} MB)`,
      );
      recordFigure(`journal open, fresh process, ${n} records`, o.openMs, 'ms', n === LARGE ? { max: 1000 } : undefined);
      if (n === LARGE) recordFigure(`JS heap after open, above an empty journal, ${n} records`, o.heapAboveEmptyMB, 'MB', { max: 30 });
      if (n !== SMALL && n !== LARGE) await rm(dir, { recursive: true, force: true });
    }

    const small = await seededJournal(dirs.get(SMALL) as string, SMALL);
    const large = await seededJournal(dirs.get(LARGE) as string, LARGE);
    const times = { small: [] as number[], large: [] as number[] };
    let bytes = 0;
    for (let i = 0; i < APPENDS; i++) {
      for (const [which, journal, n] of [['small', small, SMALL], ['large', large, LARGE]] as const) {
        const b0 = await writeBytes();
        times[which].push(await timed(() => journal.append(record(n + i + 2))));
        bytes += (await writeBytes()) - b0;
      }
    }
    console.log(`  ${summary(`append at ${SMALL} records (write + fdatasync)`, times.small)}`);
    console.log(`  ${summary(`append at ${LARGE} records (write + fdatasync)`, times.large)}`);
    const ratio = (p: number): string => (percentile(times.large, p) / percentile(times.small, p)).toFixed(2);
    console.log(`  append at ${LARGE} vs ${SMALL} records: p50 ratio ${ratio(50)}, p99 ratio ${ratio(99)} (goal <= 1.2)`);
    recordFigure(`append p50 at ${LARGE} / at ${SMALL} records`, Number(ratio(50)), '×', { max: 1.2 });
    recordFigure('bytes written to the device per append', bytes / (2 * APPENDS) / 1024, 'KB');
    console.log(`  ${(bytes / (2 * APPENDS) / 1024).toFixed(1)} KB written to the device per append (/proc/self/io write_bytes)`);

    const newest: number[] = [];
    const deep: number[] = [];
    for (let i = 0; i < LISTS; i++) {
      newest.push(await timed(() => large.list({ limit: 100 })));
      deep.push(await timed(() => large.list({ limit: 100, beforeSeq: 1 + Math.floor(((i + 1) / (LISTS + 1)) * LARGE) })));
    }
    console.log(`  at ${LARGE} records: ${summary('list 100 newest', newest)}`);
    console.log(`  at ${LARGE} records: ${summary('list 100 deep (beforeSeq)', deep)}`);
    let read = 0;
    const readAllMs = await timed(async () => {
      for (let after = 0; ; ) {
        const batch = await large.readFrom(after, READ_BATCH);
        if (batch.length === 0) break;
        read += batch.length;
        after = batch.at(-1)?.seq ?? after;
      }
    });
    console.log(`  at ${LARGE} records: readFrom every entry in batches of ${READ_BATCH}: ${read} entries in ${readAllMs.toFixed(0)} ms`);
    recordFigure(`readFrom every entry of ${LARGE}, batches of ${READ_BATCH}`, readAllMs, 'ms');
    await small.close();
    await large.close();
  } finally {
    for (const dir of dirs.values()) await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
