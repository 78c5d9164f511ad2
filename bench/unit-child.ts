/**
 * Child of the footprint benches (export, upstream): the whole unit (src/app/compose.ts startUnit: desk core,
 * journal, records, upstream sync, both listeners as configured) in a fresh process, with a fake SIP line and
 * the simulated panel, on the config in the JSON file argv[2]. Compiled to JavaScript (./support/compile-child.ts)
 * and started with the service's node flags and environment, inside the service's memory ceiling
 * (./support/memory-cgroup.ts), so its memory is the serving process's.
 * Tells the parent over IPC when it is up ('up': journal open and API answering, with timings) and when the
 * records service has read the whole journal ('ready'); then answers 'memory' (RSS now, its kernel high-water
 * mark VmHWM, CPU, how long the event loop was held up), 'cpu' (CPU now; starts a fresh event-loop measure),
 * 'sync' (the upstream sinks' stats) and 'stop'.
 * DESKPHONE_BENCH_TRACE_MEMORY=MS prints to stderr, every MS milliseconds, each new RSS high with where it is
 * (V8 heap committed and used, memory outside the heap, array buffers): to find where the memory goes.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { JsonlJournal } from '../src/adapters/journal/jsonl-journal.ts';
import { SimulatedPanel } from '../src/adapters/panel/simulated-panel.ts';
import { FakeSipLine } from '../src/adapters/sip/fake-sip-line.ts';
import { startUnit } from '../src/app/compose.ts';
import { createLogger } from '../src/app/logger.ts';
import { parseConfig } from '../src/config/load.ts';

const [configFile] = process.argv.slice(2);
if (!configFile || !process.send) throw new Error('usage: fork unit-child.js CONFIG.json (with an IPC channel)');
const send = (message: object) => process.send?.(message);
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const statusKb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
const memory = () => ({
  rssMB: statusKb('VmRSS') / 1e3,
  peakRssMB: statusKb('VmHWM') / 1e3,
  heapMB: process.memoryUsage().heapUsed / 1e6,
  cpuMs: cpuMs(),
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  loopDelayMaxMs: loopDelay.max / 1e6,
});

const traceMs = Number(process.env.DESKPHONE_BENCH_TRACE_MEMORY ?? 0);
if (traceMs > 0) {
  let high = 0;
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  setInterval(() => {
    const rss = statusKb('VmRSS');
    if (rss <= high) return;
    high = rss;
    const m = process.memoryUsage();
    const kinds = `anon ${(statusKb('RssAnon') / 1024).toFixed(1)}, files ${(statusKb('RssFile') / 1024).toFixed(1)}`;
    process.stderr.write(`rss ${(rss / 1024).toFixed(1)} MiB (${kinds}) at ${performance.now().toFixed(0)} ms: heap ${mb(m.heapTotal)} (used ${mb(m.heapUsed)}), external ${mb(m.external)} (array buffers ${mb(m.arrayBuffers)})\n`);
  }, traceMs).unref();
}

const config = parseConfig(JSON.parse(readFileSync(configFile, 'utf8')));
const logger = createLogger(config.log.level);
const journal = new JsonlJournal({ dir: `${config.dataDir}/journal`, logger: logger.child({ module: 'journal' }) });
const baseRssMB = statusKb('VmRSS') / 1e3;
const t0 = performance.now();
let openMs = NaN;
const open = journal.open.bind(journal);
journal.open = async () => {
  await open();
  openMs = performance.now() - t0;
};
const running = await startUnit(config, logger, { journal, sip: new FakeSipLine(), panel: new SimulatedPanel(logger) });
const upMs = performance.now() - t0;
send({ kind: 'up', url: running.url, baseRssMB, openMs, upMs, ...memory() });
await running.records.ready();
send({ kind: 'ready', readyMs: performance.now() - t0, calls: running.records.book.calls.size, ...memory() });

process.on('message', (m: string) => {
  if (m === 'memory') send({ kind: 'memory', ...memory() });
  else if (m === 'cpu') {
    loopDelay.disable();
    loopDelay.reset();
    loopDelay.enable();
    send({ kind: 'cpu', cpuMs: cpuMs() });
  } else if (m === 'sync') send({ kind: 'sync', sinks: running.sync.engine?.stats() ?? [] });
  else if (m === 'stop')
    void running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
