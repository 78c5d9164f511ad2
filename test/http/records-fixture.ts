/**
 * A records service for tests and benchmarks, with the defaults they share: a silent logger, the default
 * rules, Shanghai time, and a stand-in unit (an event emitter that drops dispatches) when none is given.
 * `seededRecords` also makes a temporary JSONL journal of generated calls and reads it.
 */
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlJournal } from '../../src/adapters/journal/jsonl-journal.ts';
import type { DeskUnit } from '../../src/app/desk-unit.ts';
import { createLogger } from '../../src/app/logger.ts';
import { RecordsService } from '../../src/app/records/records-service.ts';
import { recordsSchema } from '../../src/config/http-schema.ts';
import type { TallyThresholds } from '../../src/core/reports/tally.ts';
import { DEFAULT_RULES } from '../../src/core/rules.ts';
import type { CallJournal } from '../../src/ports/call-journal.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { seedJournal } from './export-fixture.ts';

export const silent = createLogger('silent');

/** A unit that only carries events: enough for the records service, the live feed and export routes. */
export function standInUnit(journal?: CallJournal): DeskUnit {
  return Object.assign(new EventEmitter(), { dispatch: () => {}, listCalls: (o: object) => journal?.list(o) ?? Promise.resolve([]) }) as unknown as DeskUnit;
}

export function recordsFor(options: { journal: CallJournal; unit?: DeskUnit; clock?: Clock; timeZone?: string; config?: Record<string, unknown>; limits?: TallyThresholds }): RecordsService {
  return new RecordsService({
    unit: options.unit ?? standInUnit(options.journal),
    journal: options.journal,
    clock: options.clock ?? { now: () => 0, monotonic: () => 0 },
    config: recordsSchema.parse(options.config ?? {}),
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    limits: () => options.limits ?? DEFAULT_RULES,
    logger: silent,
  });
}

/** A JSONL journal of `n` generated calls (callNo) in a temporary directory, read by a records service. */
export async function seededRecords(n: number, perDay?: number, clock?: Clock) {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-seeded-'));
  await seedJournal(join(dir, 'journal'), n, perDay);
  const journal = new JsonlJournal({ dir: join(dir, 'journal'), logger: silent });
  await journal.open();
  const unit = standInUnit(journal);
  const records = recordsFor({ journal, unit, ...(clock ? { clock } : {}) });
  const startMs = performance.now();
  await records.start();
  const loadMs = performance.now() - startMs;
  return {
    journal,
    unit,
    records,
    loadMs,
    async close() {
      records.stop();
      await journal.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
