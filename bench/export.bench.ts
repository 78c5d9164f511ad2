/**
 * CSV export of 200k calls from the JSONL journal through the HTTP route (issue 8 goal: ≥ 100k rows/s, peak
 * RSS ≤ 150 MB). The response is read over a real loopback socket and thrown away; RSS is sampled meanwhile.
 */
import { request } from 'node:http';
import { buildHttp } from '../src/http/server.ts';
import { seededRecords, silent } from '../test/http/records-fixture.ts';
import { record } from './report.ts';

const N = 200_000;
const PORT = 29990;

export default async function run(): Promise<void> {
  const seeded = await seededRecords(N);
  const app = buildHttp({ unit: seeded.unit, unitId: 'bench', logger: silent, records: seeded.records });
  try {
    await app.listen({ host: '127.0.0.1', port: PORT });
    global.gc?.();
    record('RSS before export (journal index and records service for 200k calls loaded)', process.memoryUsage().rss / 1e6, 'MB');
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
  } finally {
    await app.close();
    await seeded.close();
  }
}
