/**
 * The sync engine inside a running unit: GET /api/v1/status shows a `sync` section per sink (backlog, age of
 * the oldest unsent entry, last success, last error), and the SYNC light follows the backlog's age (SPEC
 * panel: on past syncWarnMs, blinking past syncAlarmMs, off once everything is confirmed). The collector
 * answers 503 first, then 200.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.ts';
import { SimulatedPanel } from '../../../src/adapters/panel/simulated-panel.ts';
import { FakeSipLine } from '../../../src/adapters/sip/fake-sip-line.ts';
import { startUnit, type RunningUnit } from '../../../src/app/compose.ts';
import { createLogger } from '../../../src/app/logger.ts';
import { parseMetrics, readUnitStatus } from '../../../src/app/unit-status.ts';
import { formatStatus } from '../../../src/cli/commands/status.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { makeCall, prng } from '../../adapters/upstream/call-fixtures.ts';
import { startHttpsCollector, type HttpsCollector } from '../../peers/https-collector.ts';
import { makeTestCa } from '../../peers/test-ca.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'deskphone-unit-sync-'));
let collector: HttpsCollector;
let running: RunningUnit | null = null;

beforeAll(async () => {
  collector = await startHttpsCollector(27610, await makeTestCa(dataDir));
});
afterAll(async () => {
  await running?.stop();
  await collector?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface SyncStatus {
  lights: Record<string, string>;
  sync: { sinks: { sink: string; backlog: number; oldestUnsentAgeMs: number | null; lastSuccessAt: string | null; lastError: { message: string } | null }[] };
}

async function waitStatus(url: string, ok: (s: SyncStatus) => boolean, what: string): Promise<SyncStatus> {
  const end = Date.now() + 15_000;
  for (;;) {
    const s = (await (await fetch(`${url}/api/v1/status`)).json()) as SyncStatus;
    if (ok(s)) return s;
    if (Date.now() > end) throw new Error(`${what}: last status ${JSON.stringify({ lights: s.lights, sync: s.sync })}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sync in a running unit', () => {
  it('shows per-sink status and drives the SYNC light from the backlog age', async () => {
    const config = parseConfig({
      dataDir,
      http: { host: '127.0.0.1', port: 27600, lan: { enabled: false } },
      greetings: { autoAnswerAfterRings: 0 },
      // A wide window between on and blinking: the checks between them take a while on a loaded machine.
      rules: { syncWarnMs: 300, syncAlarmMs: 4000 },
      upstream: { https: { url: collector.url, caFile: join(dataDir, 'ca.crt') }, pollMs: 50, retryMinMs: 100, retryMaxMs: 200 },
    });
    const logger = createLogger('silent');
    const journal = new MemoryJournal();
    collector.fallback = { status: 503 };
    running = await startUnit(config, logger, { sip: new FakeSipLine(), panel: new SimulatedPanel(logger), journal });
    const idle = await waitStatus(running.url, (s) => s.sync.sinks.length === 1, 'sync section');
    expect(idle.sync.sinks[0]).toMatchObject({ sink: 'https', backlog: 0, oldestUnsentAgeMs: null });
    expect(idle.lights.SYNC).toBe('off');

    await journal.append(makeCall(1, prng(1)));
    running.sync.notify();
    const failing = await waitStatus(running.url, (s) => s.sync.sinks[0]!.lastError !== null, 'a failure shown');
    expect(failing.sync.sinks[0]).toMatchObject({ backlog: 1, lastSuccessAt: null });
    expect(failing.sync.sinks[0]!.lastError!.message).toMatch(/503/);
    // The same figures for IT's tools: Prometheus and `deskphone status`.
    const metrics = parseMetrics(await (await fetch(`${running.url}/metrics`)).text());
    expect(metrics['deskphone_sync_backlog{sink="https"}']).toBe(1);
    expect(metrics['deskphone_sync_failures{sink="https"}']).toBeGreaterThanOrEqual(1);
    expect(metrics['deskphone_sync_oldest_unsent_seconds{sink="https"}']).toBeGreaterThanOrEqual(0);
    const shown = formatStatus(await readUnitStatus(running.url));
    expect(shown).toMatch(/上传 \/ sync https: 待发 \/ backlog 1, 最旧 \/ oldest \d+ s, 上次成功 \/ last success —, 错误 \/ error: .*503/);
    await waitStatus(running.url, (s) => s.lights.SYNC === 'on', 'SYNC on past syncWarnMs');
    const alarm = await waitStatus(running.url, (s) => s.lights.SYNC === 'blink', 'SYNC blinking past syncAlarmMs');
    expect(alarm.sync.sinks[0]!.oldestUnsentAgeMs).toBeGreaterThanOrEqual(4000);

    collector.fallback = { status: 200 };
    const done = await waitStatus(running.url, (s) => s.sync.sinks[0]!.backlog === 0 && s.lights.SYNC === 'off', 'SYNC off once confirmed');
    expect(done.sync.sinks[0]).toMatchObject({ lastError: null, oldestUnsentAgeMs: null });
    expect(done.sync.sinks[0]!.lastSuccessAt).not.toBeNull();
    expect(collector.requests.filter((r) => r.status === 200).flatMap((r) => r.lines.map((l) => l.seq))).toEqual([1]);
  });
});
