/**
 * Reports (issue 8 goals: a daily report over 500 calls ≤ 50 ms, a monthly one over 15k calls ≤ 500 ms),
 * built from the JSONL journal: 15k calls in January 2025 (500 a day), read back by the records service.
 */
import { buildReport } from '../src/app/records/reports.ts';
import { seededRecords } from '../test/http/records-fixture.ts';
import { record } from './report.ts';
import { percentile, summary } from './stats.ts';

const PER_DAY = 500;
const DAYS = 30;

export default async function run(): Promise<void> {
  const seeded = await seededRecords(PER_DAY * DAYS, PER_DAY);
  try {
    console.log(`records service reads ${PER_DAY * DAYS} calls at start: ${seeded.loadMs.toFixed(0)} ms`);
    const source = seeded.records.reportSource;
    const daily: number[] = [];
    const monthly: number[] = [];
    let calls = 0;
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      calls = (await buildReport(source, 'daily', `2025-01-${String(2 + (i % 28)).padStart(2, '0')}`)).calls;
      daily.push(performance.now() - t);
    }
    console.log(summary(`daily report (${calls} calls)`, daily));
    record('daily report over 500 calls, p50 (goal)', percentile(daily, 50), 'ms', { max: 50 });
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      calls = (await buildReport(source, 'monthly', '2025-01')).calls;
      monthly.push(performance.now() - t);
    }
    console.log(summary(`monthly report (${calls} calls)`, monthly));
    record('monthly report over 15k calls, p50 (goal)', percentile(monthly, 50), 'ms', { max: 500 });
  } finally {
    await seeded.close();
  }
}
