/**
 * The export hands the event loop back between chunks, so a call event is never held up by a long export; rows
 * copied from the journal's stored text are the rows made from the parsed records, overlays and filters included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvRows } from '../../../src/adapters/csv/csv-rows.ts';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.ts';
import { exportCalls, lineRows, type ExportFilter } from '../../../src/app/records/export-calls.ts';
import type { ExportRows } from '../../../src/ports/export-rows.ts';
import { EVENT, RecordsBook } from '../../../src/app/records/records-book.ts';
import { CSV_FIELDS, JSON_TEXT_FIELDS, csvRecordLine } from '../../../src/http/routes/calls.ts';
import { captureLogger, tempDir } from '../../adapters/journal/support.ts';
import { sampleRecord } from '../../http/sample-record.ts';

describe('exportCalls', () => {
  it('lets a timer run between chunks even when the reader never pushes back and the journal answers at once', async () => {
    // A memory journal answers without I/O: without a yield, every chunk would come in promise callbacks, and a
    // timer set after the first chunk would run only once the whole export is done.
    const journal = new MemoryJournal();
    for (let i = 0; i < 400; i++) await journal.append(sampleRecord({ id: `call-${i}` }));
    const book = new RecordsBook((due) => due);
    let chunks = 0;
    let chunksWhenTimerRan = -1;
    let lines = 0;
    for await (const chunk of exportCalls(journal, book, {}, lineRows((seq, r) => `${seq},${r.id},${'x'.repeat(200)}\n`))) {
      chunks++;
      lines += chunk.split('\n').length - 1;
      if (chunks === 1) setImmediate(() => (chunksWhenTimerRan = chunks));
    }
    expect(lines).toBe(400);
    expect(chunks).toBeGreaterThan(3);
    expect(chunksWhenTimerRan).toBe(1);
  });
});

describe('exportCalls, rows copied from stored text', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let journal: JsonlJournal;
  // Call-backs fall due an hour and a millisecond after the call: a time no record holds.
  const book = new RecordsBook((due) => due + 3_600_001);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    journal = new JsonlJournal({ dir, logger: captureLogger() });
    await journal.open();
    const outcomes = ['answered', 'missed', 'abandoned', 'busy'] as const;
    for (let i = 0; i < 3000; i++) {
      const startedAt = new Date(Date.UTC(2026, 10, 1) + i * 600_000).toISOString();
      const endedAt = new Date(Date.UTC(2026, 10, 1) + i * 600_000 + 30_000).toISOString();
      const r = sampleRecord({ id: `c${i}`, startedAt, endedAt, outcome: outcomes[i % 4], callerName: i % 5 === 0 ? '李四, "老李"' : '王小明', notes: i % 7 === 0 ? '=1+1' : null });
      book.apply(await journal.append(r));
      // Something laid over some calls: notes and categories, message slips (one with a call-back), a call-back done.
      if (i % 9 === 0) book.apply(await journal.appendEvent({ type: EVENT.annotated, at: endedAt, callId: r.id, notes: '客户说："明天再打"', category: 'billing' }));
      if (i % 13 === 0) book.apply(await journal.appendEvent({ type: EVENT.messageTaken, at: endedAt, callId: r.id, messageId: `m${i}`, to: '王经理', from: '李', callbackNumber: i % 2 ? '+8613800000000' : null, content: 'x', takenBy: 'desk' }));
      if (i % 17 === 1) book.apply(await journal.appendEvent({ type: EVENT.callbackDone, at: endedAt, callbackId: r.id, outcome: 'reached' }));
    }
  }, 60_000);

  afterAll(async () => {
    await journal.close();
    await cleanup();
  });

  let copied = 0;
  async function csv(filter: ExportFilter, fromText: boolean): Promise<Buffer> {
    const rows = new CsvRows({ line: csvRecordLine, ...(fromText ? { fromText: { fields: CSV_FIELDS, jsonTextFields: JSON_TEXT_FIELDS } } : {}) });
    const stored = rows.stored;
    // Counts the rows copied from stored text, so the test knows the fast path ran.
    const counted: ExportRows<Buffer> = {
      add: (seq, record) => rows.add(seq, record),
      full: () => rows.full(),
      take: () => rows.take(),
      ...(stored ? { stored: { ...stored, add: (seq: number, over: Parameters<typeof stored.add>[1]) => (copied++, stored.add(seq, over)) } } : {}),
    };
    const chunks: Buffer[] = [];
    for await (const chunk of exportCalls(journal, book, filter, counted)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  it('are the bytes rows made from parsed records give, whatever is laid over the calls and whatever the filter', async () => {
    const filters: ExportFilter[] = [{}, { outcomes: ['missed', 'abandoned'] }, { from: Date.UTC(2026, 10, 5), to: Date.UTC(2026, 10, 12) }, { from: Date.UTC(2026, 10, 20), outcomes: ['answered'] }];
    for (const filter of filters) {
      copied = 0;
      const fast = await csv(filter, true);
      const rowsCopied = copied;
      const parsed = await csv(filter, false);
      expect(fast.toString('utf8').split('\r\n').length - 1).toBe(rowsCopied);
      expect(rowsCopied).toBeGreaterThan(50);
      expect(fast.equals(parsed), JSON.stringify(filter)).toBe(true);
    }
    // The overlay shows: a call-back's due time, an annotation's notes, a message slip's id.
    const text = (await csv({}, true)).toString('utf8');
    expect(text).toContain(`,m13,`);
    expect(text).toContain('"客户说：""明天再打"""');
    expect(text).toContain(',2026-11-01T01:10:30.001Z,2026-11-01T00:10:30.000Z,'); // c1: a call-back due, done
    expect(text).toContain(',2026-11-01T01:20:30.001Z,,Asia/Shanghai'); // c2: a call-back due, not done
  });
});
