/**
 * A damaged sync state file never keeps the unit from taking calls: it starts (before, it exited 1 and systemd
 * restarted it in a loop), keeps the damaged file aside whole, and sends every entry again (sinks upsert by id).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.ts';
import { SimulatedPanel } from '../../../src/adapters/panel/simulated-panel.ts';
import { FakeSipLine } from '../../../src/adapters/sip/fake-sip-line.ts';
import { startUnit, type RunningUnit } from '../../../src/app/compose.ts';
import { createLogger } from '../../../src/app/logger.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { makeCall, prng } from '../../adapters/upstream/call-fixtures.ts';
import { startHttpsCollector, type HttpsCollector } from '../../peers/https-collector.ts';
import { makeTestCa } from '../../peers/test-ca.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'deskphone-corrupt-state-'));
let collector: HttpsCollector;
let running: RunningUnit | null = null;

beforeAll(async () => {
  collector = await startHttpsCollector(27640, await makeTestCa(dataDir));
});
afterAll(async () => {
  await running?.stop();
  await collector?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a corrupt sync state file', () => {
  it('is set aside whole; the unit starts and sends its entries', async () => {
    const torn = '{"sync.cursor.https": 12, "journal.seqHigh';
    mkdirSync(join(dataDir, 'state'), { recursive: true });
    writeFileSync(join(dataDir, 'state', 'sync.json'), torn);
    const config = parseConfig({
      dataDir,
      http: { host: '127.0.0.1', port: 27641, lan: { enabled: false } },
      greetings: { autoAnswerAfterRings: 0 },
      upstream: { https: { url: collector.url, caFile: join(dataDir, 'ca.crt') }, pollMs: 50, retryMinMs: 100, retryMaxMs: 200 },
    });
    const logger = createLogger('silent');
    const journal = new MemoryJournal();
    running = await startUnit(config, logger, { sip: new FakeSipLine(), panel: new SimulatedPanel(logger), journal });

    const aside = readdirSync(join(dataDir, 'state')).filter((f) => f.startsWith('sync.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'state', aside[0]!), 'utf8')).toBe(torn);

    const call = makeCall(1, prng(7));
    await journal.append(call);
    running.sync.notify();
    const end = Date.now() + 15_000;
    while (!collector.requests.some((r) => r.lines.some((l) => (l.record as { id?: string } | undefined)?.id === call.id))) {
      if (Date.now() > end) throw new Error(`the entry never reached the collector: ${JSON.stringify(collector.requests.map((r) => [r.status, r.lines]))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await fetch(`${running.url}/api/v1/status`)).status).toBe(200);
  });
});
