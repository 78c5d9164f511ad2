/**
 * Reports (issue 8 goals: a daily report over 500 calls ≤ 50 ms, a monthly one over 15k calls ≤ 500 ms),
 * built from the JSONL journal: 15k calls in January 2025 (500 a day), read back by the records service.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlJournal } from '../src/adapters/journal/jsonl-journal.ts';
import type { DeskUnit } from '../src/app/desk-unit.ts';
import { createLogger } from '../src/app/logger.ts';
import { RecordsService } from '../src/app/records/records-service.ts';
import { buildReport } from '../src/app/records/reports.ts';
import { recordsSchema } from '../src/config/http-schema.ts';
import { DEFAULT_RULES } from '../src/core/rules.ts';
import { seedJournal } from '../test/http/export-fixture.ts';
import { record } from './report.ts';
import { percentile, summary } from './stats.ts';

const PER_DAY = 500;
const DAYS = 30;

export default async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-reports-bench-'));
  try {
    await seedJournal(join(dir, 'journal'), PER_DAY * DAYS, PER_DAY);
    const logger = createLogger('silent');
    const journal = new JsonlJournal({ dir: join(dir, 'journal'), logger });
    await journal.open();
    const unit = Object.assign(new EventEmitter(), { dispatch: () => {} }) as unknown as DeskUnit;
    const records = new RecordsService({ unit, journal, clock: { now: () => 0, monotonic: () => 0 }, config: recordsSchema.parse({}), timeZone: 'Asia/Shanghai', limits: DEFAULT_RULES, logger });
    const t0 = performance.now();
    await records.start();
    records.stop();
    console.log(`records service reads ${PER_DAY * DAYS} calls at start: ${(performance.now() - t0).toFixed(0)} ms`);
    const daily: number[] = [];
    const monthly: number[] = [];
    let calls = 0;
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      calls = (await buildReport(records.reportSource, 'daily', `2025-01-${String(2 + (i % 28)).padStart(2, '0')}`)).calls;
      daily.push(performance.now() - t);
    }
    console.log(summary(`daily report (${calls} calls)`, daily));
    record('daily report over 500 calls, p50 (goal)', percentile(daily, 50), 'ms', { max: 50 });
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      calls = (await buildReport(records.reportSource, 'monthly', '2025-01')).calls;
      monthly.push(performance.now() - t);
    }
    console.log(summary(`monthly report (${calls} calls)`, monthly));
    record('monthly report over 15k calls, p50 (goal)', percentile(monthly, 50), 'ms', { max: 500 });
    await journal.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
