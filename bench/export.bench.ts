/**
 * CSV export of 200k calls from the JSONL journal through the HTTP route (issue 8 goal: ≥ 100k rows/s, peak
 * RSS ≤ 150 MB). The response is read over a real loopback socket and thrown away; RSS is sampled meanwhile.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlJournal } from '../src/adapters/journal/jsonl-journal.ts';
import type { DeskUnit } from '../src/app/desk-unit.ts';
import { createLogger } from '../src/app/logger.ts';
import { RecordsService } from '../src/app/records/records-service.ts';
import { recordsSchema } from '../src/config/http-schema.ts';
import { DEFAULT_RULES } from '../src/core/rules.ts';
import { buildHttp } from '../src/http/server.ts';
import { seedJournal } from '../test/http/export-fixture.ts';
import { record } from './report.ts';

const N = 200_000;
const PORT = 29990;

export default async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-export-bench-'));
  try {
    await seedJournal(join(dir, 'journal'), N);
    const logger = createLogger('silent');
    const journal = new JsonlJournal({ dir: join(dir, 'journal'), logger });
    await journal.open();
    const unit = Object.assign(new EventEmitter(), { dispatch: () => {} }) as unknown as DeskUnit;
    const records = new RecordsService({ unit, journal, clock: { now: () => 0, monotonic: () => 0 }, config: recordsSchema.parse({}), timeZone: 'Asia/Shanghai', limits: DEFAULT_RULES, logger });
    await records.start();
    const app = buildHttp({ unit, unitId: 'bench', logger, records });
    await app.listen({ host: '127.0.0.1', port: PORT });
    global.gc?.();
    const before = process.memoryUsage().rss;
    record('RSS before export (journal index and records service for 200k calls loaded)', before / 1e6, 'MB');
    for (const format of ['csv', 'ndjson']) {
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const t0 = performance.now();
      const bytes = await new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port: PORT, path: `/api/v1/calls?format=${format}` }, (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () => resolve(n));
        })
          .on('error', reject)
          .end();
      });
      const s = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      record(`export ${format} of ${N} calls, rows/s`, N / s, 'rows/s', format === 'csv' ? { min: 100_000 } : undefined);
      record(`export ${format} of ${N} calls, peak RSS`, peak / 1e6, 'MB', format === 'csv' ? { max: 150 } : undefined);
      console.log(`export ${format} ${N} calls: ${(N / s).toFixed(0)} rows/s, ${(bytes / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s, peak RSS ${(peak / 1e6).toFixed(0)} MB`);
    }
    await app.close();
    records.stop();
    await journal.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
