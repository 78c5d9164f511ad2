/**
 * Child of journal.bench.ts: opens an empty journal, then the journal in argv[2], in a fresh process run
 * with --expose-gc, and prints one JSON line: open time (wall and CPU) and JS heap used after a forced GC,
 * above the empty journal's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { JsonlJournal } from '../src/adapters/journal/jsonl-journal.ts';
import type { Logger } from '../src/ports/logger.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const dir = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc;
if (!dir || !gc) throw new Error('usage: node --expose-gc --import tsx journal-open-child.ts DIR');

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const emptyDir = await mkdtemp(join(tmpdir(), 'deskphone-journal-empty-'));
try {
  const empty = new JsonlJournal({ dir: emptyDir, logger: quiet });
  await empty.open();
  const before = heapUsed();
  const journal = new JsonlJournal({ dir, logger: quiet });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await journal.open();
  const openMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const after = heapUsed();
  const memory = process.memoryUsage();
  process.stdout.write(
    JSON.stringify({ entries: journal.lastSeq(), openMs, cpuMs: (cpu.user + cpu.system) / 1000, heapAboveEmptyMB: (after - before) / 1e6, arrayBuffersMB: memory.arrayBuffers / 1e6, rssMB: memory.rss / 1e6 }) + '\n',
  );
  await journal.close();
  await empty.close();
} finally {
  await rm(emptyDir, { recursive: true, force: true });
}
