/**
 * The returning caller at ring time (issue 20 item 1): a records projection of 200k calls from 50k caller numbers
 * (written three ways: 013800001111, +8613800001111, 13800001111), every tenth call missed (an open call-back),
 * and 5k contacts; then the look-up a ring makes (open call-backs and messages, last call with its notes, calls in
 * the last 30 days, the contact; the last call's record read from the JSONL journal by seq) for random numbers.
 * Goal: ≤ 2 ms p99. Also the memory-only part a ring waits for (CALL BACK), and the time to read the journal at start.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dailyFileName } from '../src/adapters/journal/journal-files.ts';
import { JsonlJournal } from '../src/adapters/journal/jsonl-journal.ts';
import { encodeLine } from '../src/adapters/journal/line-format.ts';
import { MemoryJournal } from '../src/adapters/journal/memory-journal.ts';
import { normalizePhoneNumber } from '../src/adapters/phone/phone-numbers.ts';
import { MemoryStateStore } from '../src/adapters/state/memory-state-store.ts';
import { ContactBook } from '../src/app/contacts/contact-book.ts';
import { ReturningCallers } from '../src/app/contacts/returning-callers.ts';
import { RecordsService } from '../src/app/records/records-service.ts';
import { recordsSchema } from '../src/config/http-schema.ts';
import type { CallRecord } from '../src/core/record.ts';
import { DEFAULT_RULES } from '../src/core/rules.ts';
import { sampleRecord } from '../test/http/sample-record.ts';
import { silent, standInUnit } from '../test/http/records-fixture.ts';
import { record } from './report.ts';
import { percentile, summary } from './stats.ts';

const CALLS = 200_000;
const NUMBERS = 50_000;
const CONTACTS = 5_000;
const LOOKUPS = 20_000;
const START = Date.UTC(2026, 0, 1);
const PER_DAY = 600;
const DAY_MS = 86_400_000;

const mobile = (i: number) => `138${String(i).padStart(8, '0')}`;
const written = (i: number, k: number) => [`0${mobile(i)}`, `+86${mobile(i)}`, mobile(i)][k % 3] as string;

function call(c: number): CallRecord {
  const n = (c * 7919) % NUMBERS;
  const startedAt = START + Math.floor(c / PER_DAY) * DAY_MS + (c % PER_DAY) * Math.floor(DAY_MS / PER_DAY);
  return sampleRecord({
    id: `call-${c}`, callerNumber: written(n, c), callerName: null, startedAt: new Date(startedAt).toISOString(), endedAt: new Date(startedAt + 60_000).toISOString(),
    notes: c % 11 === 0 ? '要报价单' : null,
    ...(c % 10 === 0 ? { outcome: 'missed' as const, answeredAt: null, answeredBy: 'nobody' as const, pickedUpAt: null, talkMs: 0 } : {}),
  });
}

/** The journal's daily files, written the way the JSONL journal writes them (no fsync per line). */
async function seedJournal(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let day = 0; day * PER_DAY < CALLS; day++) {
    const lines: Buffer[] = [];
    for (let c = day * PER_DAY; c < Math.min(CALLS, (day + 1) * PER_DAY); c++) lines.push(encodeLine(c + 1, call(c)));
    await writeFile(join(dir, dailyFileName(START + day * DAY_MS)), Buffer.concat(lines));
  }
}

export default async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-callers-'));
  await seedJournal(join(dir, 'journal'));
  const journal = new JsonlJournal({ dir: join(dir, 'journal'), logger: silent });
  await journal.open();
  const clock = { now: () => START + Math.ceil(CALLS / PER_DAY) * DAY_MS, monotonic: () => performance.now() };
  const unit = standInUnit(journal);
  const records = new RecordsService({
    unit, journal, clock, config: recordsSchema.parse({}), timeZone: 'Asia/Shanghai', limits: () => DEFAULT_RULES, logger: silent, numberKey: normalizePhoneNumber,
  });
  const t0 = performance.now();
  await records.start();
  const loadMs = performance.now() - t0;
  console.log(`records (with the callers index) read ${CALLS} calls of ${records.book.callers.size} numbers: ${loadMs.toFixed(0)} ms`);
  record('records projection with callers index, 200k calls / 50k numbers, start', Math.round(loadMs), 'ms');
  const contacts = new ContactBook({ store: new MemoryStateStore(), journal: new MemoryJournal(), clock });
  await contacts.open();
  for (let i = 0; i < CONTACTS; i++) await contacts.create({ number: `+86${mobile(i * 10)}`, name: `联系人${i}` }, 'bench');
  const callers = new ReturningCallers({ unit, records, contacts, clock, logger: silent });
  const samples: number[] = [];
  const memorySamples: number[] = [];
  let open = 0;
  let seed = 12345;
  for (let i = -1000; i < LOOKUPS; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const number = written(seed % NUMBERS, seed >> 3);
    let t = performance.now();
    const quick = callers.known(number);
    if (i >= 0) memorySamples.push(performance.now() - t);
    t = performance.now();
    const s = await callers.lookup(number);
    if (i >= 0) samples.push(performance.now() - t);
    if (s.open !== quick.summary.open) throw new Error('look-ups disagree');
    if (s.open) open++;
  }
  console.log(summary(`what a ring waits for (memory only: CALL BACK, contact), 200k calls / 50k numbers`, memorySamples));
  console.log(summary(`ring-time look-up (JSONL journal: the last call read by seq), 200k calls / 50k numbers (${open} of ${LOOKUPS + 1000} owed)`, samples));
  record('ring-time caller look-up, memory part (CALL BACK decided), p99', percentile(memorySamples, 99), 'ms');
  record('ring-time caller look-up with the last call read, 200k calls / 50k numbers, p99 (goal)', percentile(samples, 99), 'ms', { max: 2 });
  records.stop();
  await journal.close();
  await rm(dir, { recursive: true, force: true });
}
