/**
 * The call history (issue 18 item 9) on a 200k-call JSONL journal: a page of 50 through the route
 * (GET /api/v1/calls/search, local listener, injected), plain, filtered by outcome or a day, searched by a name or a
 * number, and a page deep in the journal; each is decided from the records projection and reads only its own
 * 50 records. Also the bytes the search text keeps for 200k calls. Goal: a page in ≤ 50 ms (p50), well under what a person notices.
 */
import { buildHttp } from '../src/http/server.ts';
import { FIRST_CALL_MS } from '../test/http/export-fixture.ts';
import { seededRecords, silent } from '../test/http/records-fixture.ts';
import { record } from './report.ts';
import { percentile, summary } from './stats.ts';

const N = 200_000;
const RUNS = 40;

export default async function run(): Promise<void> {
  const seeded = await seededRecords(N);
  const app = buildHttp({ unit: seeded.unit, unitId: 'u1', logger: silent, records: seeded.records });
  try {
    console.log(`records service reads ${N} calls at start: ${seeded.loadMs.toFixed(0)} ms`);
    record('search text kept for 200k calls', Math.round(seeded.records.book.text.capacity / 2 ** 20), 'MiB');
    const day = new Date(FIRST_CALL_MS + 1000 * 86_400_000).toISOString().slice(0, 10);
    const queries: [string, string][] = [
      ['newest page', ''],
      ['missed', 'outcome=missed'],
      ['one day', `from=${day}T00:00:00Z&to=${day}T23:59:59Z`],
      ['name search', `q=${encodeURIComponent('小明')}`],
      ['whole number search', `q=${encodeURIComponent('+86 138 0019 9999')}`],
      ['page 2000 (before=100000)', 'before=100000'],
    ];
    for (const [label, query] of queries) {
      const samples: number[] = [];
      let found = 0;
      // Three runs first, untimed: the first ones run in code V8 has not optimised yet.
      for (let i = -3; i < RUNS; i++) {
        const t = performance.now();
        const res = await app.inject({ method: 'GET', url: `/api/v1/calls/search?limit=50&${query}` });
        if (i >= 0) samples.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`${label}: ${res.statusCode} ${res.body}`);
        found = (res.json() as { total: number }).total;
      }
      console.log(summary(`history page of 50 of 200k calls, ${label} (${found} match)`, samples));
      record(`history page of 50 of 200k calls, ${label}, p50 (goal)`, percentile(samples, 50), 'ms', { max: 50 });
    }
  } finally {
    await app.close();
    await seeded.close();
  }
}
