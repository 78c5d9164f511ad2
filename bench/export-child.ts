/**
 * Child of export.bench.ts: the unit's serving side in a fresh process (run with --expose-gc), so its memory is
 * its own and not the seeding's. Opens the JSONL journal in argv[2], starts the records service on it, serves
 * the HTTP API on 127.0.0.1:argv[3], and tells the parent over IPC how long start took; then answers each
 * 'memory' message with its RSS now, its peak RSS so far (the kernel's high-water mark) and its CPU time, each
 * 'cpu' message with its CPU time (and starts measuring how long the event loop is held up: what a call event
 * would wait during the export), and 'stop' by closing down.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { JsonlJournal } from '../src/adapters/journal/jsonl-journal.ts';
import { buildHttp } from '../src/http/server.ts';
import { recordsFor, silent, standInUnit } from '../test/http/records-fixture.ts';

const [dir, port] = process.argv.slice(2);
if (!dir || !port || !process.send) throw new Error('usage: fork export-child.ts DIR PORT (with an IPC channel)');
const send = (message: object) => process.send?.(message);
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** How long the event loop was held up (what a call event waits for while an export runs), since the last 'cpu'. */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
const memory = () => ({
  rssMB: process.memoryUsage().rss / 1e6,
  peakRssMB: process.resourceUsage().maxRSS / 1e3,
  cpuMs: cpuMs(),
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  loopDelayMaxMs: loopDelay.max / 1e6,
});

(globalThis as { gc?: () => void }).gc?.();
const baseRssMB = process.memoryUsage().rss / 1e6;
const journal = new JsonlJournal({ dir, logger: silent });
const t0 = performance.now();
await journal.open();
const openMs = performance.now() - t0;
const openPeakRssMB = process.resourceUsage().maxRSS / 1e3;
const unit = standInUnit(journal);
const records = recordsFor({ journal, unit });
const t1 = performance.now();
await records.start();
const loadMs = performance.now() - t1;
const app = buildHttp({ unit, unitId: 'bench', logger: silent, records });
await app.listen({ host: '127.0.0.1', port: Number(port) });
(globalThis as { gc?: () => void }).gc?.();
send({ kind: 'ready', baseRssMB, openPeakRssMB, openMs, loadMs, heapMB: process.memoryUsage().heapUsed / 1e6, calls: records.book.calls.size, ...memory() });
process.on('message', (m: string) => {
  if (m === 'memory') send({ kind: 'memory', ...memory() });
  else if (m === 'cpu') {
    loopDelay.disable();
    loopDelay.reset();
    loopDelay.enable();
    send({ kind: 'cpu', cpuMs: cpuMs() });
  }
  else
    void app.close().then(async () => {
      records.stop();
      await journal.close();
      process.exit(0);
    });
});
