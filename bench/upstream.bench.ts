/**
 * Upstream sync (issue 10): draining a 200k-entry backlog (records + annotations, real JSONL journal) into
 * PostgreSQL 15 over TLS on loopback, inside a running unit (fake SIP line, simulated panel) whose
 * GET /api/v1/status is polled meanwhile: rows/s, peak RSS, and the status latency while it drains; and the
 * CPU time the unit and the server spend per 1000 entries, which a busy machine changes far less than rows/s.
 * The unit is its own process (./unit-child.ts), started from its start as the service runs (compiled, the unit
 * file's node flags and environment) inside the unit file's memory ceiling (issue 17 item 6: peak RSS ≤ 150 MB,
 * nothing killed). Then the HTTPS sink's throughput against a local HTTPS collector.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryJournal } from '../src/adapters/journal/memory-journal.ts';
import { MemoryStateStore } from '../src/adapters/state/memory-state-store.ts';
import { HttpsSink } from '../src/adapters/upstream/https-sink.ts';
import { createLogger } from '../src/app/logger.ts';
import { SyncEngine } from '../src/app/sync/sync-engine.ts';
import { httpsSinkSchema } from '../src/config/upstream-schema.ts';
import { systemClock } from '../src/ports/clock.ts';
import { serviceEnvironment, serviceNodeFlags } from '../test/deploy/service-node-flags.ts';
import { makeCall, prng } from '../test/adapters/upstream/call-fixtures.ts';
import { seedJournal } from '../test/app/sync/seed-journal.ts';
import { pollStatus } from '../test/e2e/status-poller.ts';
import { startHttpsCollector } from '../test/peers/https-collector.ts';
import { startPostgres } from '../test/peers/postgres.ts';
import { makeTestCa } from '../test/peers/test-ca.ts';
import { record } from './report.ts';
import { percentile, summary } from './stats.ts';
import { makeMemoryCgroup } from './support/memory-cgroup.ts';
import { recordCeiling } from './support/record-ceiling.ts';
import { compiledChild, reply, startServing, stopServing } from './support/serving-child.ts';
import { megabytes, serviceMemoryCeiling } from './support/service-memory.ts';

const ENTRIES = 200_000;
const HTTPS_ENTRIES = 50_000;
const UNIT_CHILD = fileURLToPath(new URL('./unit-child.ts', import.meta.url));

/** The serving process's config for the drain: the whole unit, PostgreSQL as its one sink. */
function drainConfig(dir: string, url: string): object {
  return {
    unitId: 'desk-1',
    dataDir: dir,
    http: { host: '127.0.0.1', port: 27510, lan: { port: 27511 } },
    greetings: { autoAnswerAfterRings: 0 },
    // Batches of the default size (upstream.batchSize), as an installed unit sends them.
    upstream: { postgres: { url } },
    log: { level: 'silent' },
  };
}

async function drainPostgres(dir: string): Promise<void> {
  const pg = await startPostgres(27500);
  const ceiling = serviceMemoryCeiling();
  const cgroup = makeMemoryCgroup(ceiling);
  if (typeof cgroup === 'string') console.log(`memory ceiling not applied: ${cgroup}`);
  else console.log(`serving process in cgroup v${cgroup.version} ${cgroup.path}: high ${megabytes(ceiling.highBytes)}, max ${megabytes(ceiling.maxBytes)} (deploy/deskphone.service)`);
  const group = typeof cgroup === 'string' ? null : cgroup;
  try {
    await pg.createDatabase('central');
    await seedJournal(join(dir, 'journal'), ENTRIES);
    const configFile = join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify(drainConfig(dir, pg.url({ database: 'central' }))));
    const script = await compiledChild(UNIT_CHILD, 'unit-child');
    const flags = serviceNodeFlags();
    console.log(`serving process: node ${flags.join(' ')} (compiled unit, fake SIP line, simulated panel)`);
    const cpu0 = { server: await pg.cpuMs() };
    const t0 = performance.now();
    const child = startServing(script, [configFile], { flags, env: serviceEnvironment(), cgroup: group });
    try {
      const up = await reply<{ url: string; upMs: number }>(child, 'up');
      const drained = (async () => {
        for (;;) {
          child.send('sync');
          const { sinks } = await reply<{ sinks: { backlog: number }[] }>(child, 'sync');
          if (sinks[0]?.backlog === 0) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const poll = await pollStatus(up.url, drained, 20);
      await drained;
      const seconds = (performance.now() - t0) / 1000;
      child.send('memory');
      const mem = await reply<{ peakRssMB: number; cpuMs: number }>(child, 'memory');
      const serverCpuMs = (await pg.cpuMs()) - cpu0.server;
      const rate = ENTRIES / seconds;
      console.log(`drain ${ENTRIES} entries into PostgreSQL (from the unit's start): ${seconds.toFixed(1)} s, ${Math.round(rate)} entries/s, peak RSS ${mem.peakRssMB.toFixed(0)} MB`);
      record('PostgreSQL drain of 200k entries', Math.round(rate), 'entries/s', { min: 20_000 });
      record('peak RSS of the serving process while draining 200k (start included)', Math.round(mem.peakRssMB), 'MB', { max: 150 });
      const per1000 = (ms: number) => Number(((ms * 1000) / ENTRIES).toFixed(1));
      console.log(`CPU per 1000 entries: unit ${per1000(mem.cpuMs)} ms (its start included), PostgreSQL ${per1000(serverCpuMs)} ms`);
      record('PostgreSQL drain: unit CPU per 1000 entries (start included)', per1000(mem.cpuMs), 'ms');
      record('PostgreSQL drain: server CPU per 1000 entries', per1000(serverCpuMs), 'ms');
      console.log(summary('status latency while draining', poll.latencies));
      record('status latency while draining, p99 (goal)', Number(percentile(poll.latencies, 99).toFixed(2)), 'ms', { max: 100 });
      if (poll.failures.length > 0) console.log(`status failures while draining: ${poll.failures.length} (${poll.failures[0]})`);
      if (group) recordCeiling('200k drain', group);
    } finally {
      await stopServing(child);
    }
  } finally {
    group?.remove();
    await pg.destroy();
  }
}

async function httpsThroughput(dir: string): Promise<void> {
  const ca = await makeTestCa(dir);
  const collector = await startHttpsCollector(27520, ca);
  try {
    const journal = new MemoryJournal();
    const rand = prng(5);
    for (let i = 0; i < HTTPS_ENTRIES; i++) await journal.append(makeCall(i, rand));
    const logger = createLogger('silent');
    const engine = new SyncEngine({
      journal, store: new MemoryStateStore(), clock: systemClock, logger,
      sinks: [new HttpsSink({ config: httpsSinkSchema.parse({ url: collector.url, caFile: ca.caCert }), logger })],
      settings: { unitId: 'desk-1', batchSize: 500, pollMs: 100, retryMinMs: 100, retryMaxMs: 1000 },
    });
    const t0 = performance.now();
    engine.start();
    while ((engine.stats()[0]?.backlog ?? 1) > 0) await new Promise((r) => setTimeout(r, 10));
    const seconds = (performance.now() - t0) / 1000;
    await engine.stop();
    const rate = HTTPS_ENTRIES / seconds;
    console.log(`HTTPS sink: ${HTTPS_ENTRIES} entries in ${seconds.toFixed(1)} s, ${Math.round(rate)} entries/s (batches of 500, NDJSON)`);
    record('HTTPS sink throughput (local collector)', Math.round(rate), 'entries/s');
  } finally {
    await collector.close();
  }
}

export default async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-upstream-bench-'));
  try {
    await drainPostgres(join(dir, 'unit'));
    await httpsThroughput(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
