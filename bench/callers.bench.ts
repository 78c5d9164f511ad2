/**
 * The returning caller at ring time (issue 20 item 1): a records projection of 200k calls from 50k caller numbers
 * (written three ways: 013800001111, +8613800001111, 13800001111), every tenth call missed (an open call-back),
 * every 40th call with a message slip taken on it that names no number (owed to the call's caller; every other one
 * delivered since), and 5k contacts; then the look-up a ring makes (open call-backs and messages, last call with its notes, calls in
 * the last 30 days, the contact; the last call's record read from the JSONL journal by seq) for random numbers.
 * Goal: ≤ 2 ms p99. Also the memory-only part a ring waits for (CALL BACK), and the time to read the journal at start.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dailyFileName } from '../src/adapters/journal/journal-files.ts';
import { JsonlJournal } from '../src/adapters/journal/jsonl-journal.ts';
import { encodeEventLine, encodeLine } from '../src/adapters/journal/line-format.ts';
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
/** Every SLIP_EVERY-th call has a slip with no call-back number; every other such slip is delivered. */
const SLIP_EVERY = 40;

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
  let seq = 0;
  for (let day = 0; day * PER_DAY < CALLS; day++) {
    const lines: Buffer[] = [];
    for (let c = day * PER_DAY; c < Math.min(CALLS, (day + 1) * PER_DAY); c++) {
      const r = call(c);
      lines.push(encodeLine(++seq, r));
      // Spread over the numbers (c % 40 alone would give slips to a few numbers the random look-ups never ask for).
      const h = Math.imul(c, 0x9e3779b1) >>> 0;
      if (h % SLIP_EVERY !== 0) continue;
      const messageId = `slip-${c}`;
      lines.push(encodeEventLine(++seq, { type: 'message.taken', at: r.endedAt, messageId, callId: r.id, to: '李经理', from: '客户', callbackNumber: null, content: '请回电', takenBy: '前台' }));
      if ((h >>> 16) % 2 === 0) lines.push(encodeEventLine(++seq, { type: 'message.delivered', at: r.endedAt, messageId, callId: r.id }));
    }
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
  console.log(`records (with the callers index) read ${CALLS} calls of ${records.book.callers.size} numbers and ${records.book.messages.size} slips: ${loadMs.toFixed(0)} ms, callers index ${(records.book.callers.bytes / 1e6).toFixed(1)} MB`);
  record('records projection with callers index, 200k calls / 50k numbers / 5k slips, start', Math.round(loadMs), 'ms');
  const contacts = new ContactBook({ store: new MemoryStateStore(), journal: new MemoryJournal(), clock });
  await contacts.open();
  for (let i = 0; i < CONTACTS; i++) await contacts.create({ number: `+86${mobile(i * 10)}`, name: `联系人${i}` }, 'bench');
  const callers = new ReturningCallers({ unit, records, contacts, clock, logger: silent });
  const samples: number[] = [];
  const memorySamples: number[] = [];
  let open = 0;
  let slipOwed = 0;
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
    if (s.undeliveredMessages.length > 0) slipOwed++;
  }
  // The slips owed through their call are found (half of them still undelivered).
  if (slipOwed === 0) throw new Error('no look-up found a slip owed through its call');
  console.log(summary(`what a ring waits for (memory only: CALL BACK, contact), 200k calls / 50k numbers`, memorySamples));
  console.log(summary(`ring-time look-up (JSONL journal: the last call read by seq), 200k calls / 50k numbers (${open} of ${LOOKUPS + 1000} owed, ${slipOwed} a slip)`, samples));
  record('ring-time caller look-up, memory part (CALL BACK decided), p99', percentile(memorySamples, 99), 'ms');
  record('ring-time caller look-up with the last call read, 200k calls / 50k numbers, p99 (goal)', percentile(samples, 99), 'ms', { max: 2 });
  records.stop();
  await journal.close();
  await rm(dir, { recursive: true, force: true });
}
