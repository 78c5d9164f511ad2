import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import { isCallEntry, type AnyJournalEntry, type JournalEvent } from '../../../src/ports/call-journal.ts';
import { captureLogger, fakeClock, makeRecord, tempDir } from './support.ts';

let dir: string;
let cleanup: () => Promise<void>;
const open: JsonlJournal[] = [];

async function openJournal(clock = fakeClock('2025-03-01T10:00:00Z')) {
  const logger = captureLogger();
  const journal = new JsonlJournal({ dir, logger, clock });
  open.push(journal);
  await journal.open();
  return { journal, logger };
}

function note(callId: string, text: string): JournalEvent {
  return { type: 'call.annotated', at: '2025-03-01T10:05:00.000Z', callId, notes: text };
}

/** `r:<id>` for a record, `e:<type>:<callId>` for an event: one string per entry, to compare orders. */
function label(e: AnyJournalEntry): string {
  return isCallEntry(e) ? `${e.seq} r:${e.record.id}` : `${e.seq} e:${e.event.type}:${e.event.callId ?? '-'}`;
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((j) => j.close()));
  await cleanup();
});

describe('JsonlJournal events and reading by seq', () => {
  it('stores events as their own lines, one seq order with records, never rewriting a record line', async () => {
    const { journal } = await openJournal();
    expect(journal.lastSeq()).toBe(0);
    await journal.append(makeRecord('a'));
    const recordLine = await readFile(join(dir, 'calls-2025-03-01.jsonl'));
    const ev = await journal.appendEvent(note('a', '回电 tomorrow'));
    expect(ev).toEqual({ seq: 2, event: note('a', '回电 tomorrow') });
    await journal.append(makeRecord('b'));
    expect(journal.lastSeq()).toBe(3);

    const text = await readFile(join(dir, 'calls-2025-03-01.jsonl'));
    expect(text.subarray(0, recordLine.length)).toEqual(recordLine);
    const lines = text.toString('utf8').trimEnd().split('\n');
    expect(lines[1]).toMatch(/^\{"seq":2,"event":\{"type":"call\.annotated",.*\},"crc":"[0-9a-f]{8}"\}$/);
    expect(JSON.parse(lines[1] as string)).toMatchObject({ seq: 2, event: { callId: 'a', notes: '回电 tomorrow' } });
  });

  it('list() returns call records only; readFrom() returns both kinds oldest first, paged by seq', async () => {
    const clock = fakeClock('2025-03-01T23:59:00Z');
    const { journal } = await openJournal(clock);
    const expected: string[] = [];
    for (let i = 1; i <= 12; i++) {
      if (i === 6) clock.set('2025-03-02T08:00:00Z'); // the entries span two daily files
      if (i % 3 === 0) expected.push(label(await journal.appendEvent(note(`c${i - 1}`, `n${i}`))));
      else expected.push(label(await journal.append(makeRecord(`c${i}`))));
    }
    expect((await journal.list({ limit: 3 })).map(label)).toEqual(['11 r:c11', '10 r:c10', '8 r:c8']);
    expect((await journal.list({ limit: 2, beforeSeq: 8 })).map(label)).toEqual(['7 r:c7', '5 r:c5']);

    expect((await journal.readFrom(0, 100)).map(label)).toEqual(expected);
    expect((await journal.readFrom(4, 3)).map(label)).toEqual(expected.slice(4, 7));
    expect(await journal.readFrom(12, 10)).toEqual([]);
    expect(await journal.readFrom(99, 10)).toEqual([]);

    // The same after reopening: the index is rebuilt from the files, events included.
    await journal.close();
    const { journal: reopened, logger } = await openJournal(clock);
    expect(reopened.lastSeq()).toBe(12);
    const all = await reopened.readFrom(0, 100);
    expect(all.map(label)).toEqual(expected);
    expect(all[2]).toEqual({ seq: 3, event: note('c2', 'n3') });
    expect((await reopened.list()).map(label)).toEqual(expected.filter((l) => l.includes(' r:')).reverse());
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
    expect((await reopened.appendEvent(note('c11', 'late'))).seq).toBe(13);
  });

  it('refuses bad events and bad readFrom arguments naming the field, spending no seq', async () => {
    const { journal } = await openJournal();
    await expect(journal.appendEvent({ at: '2025-03-01T10:00:00Z' } as never)).rejects.toMatchObject({ code: 'E_BAD_INPUT', field: 'event.type' });
    await expect(journal.appendEvent({ type: 'x', at: 'yesterday' })).rejects.toMatchObject({ field: 'event.at' });
    await expect(journal.appendEvent({ type: 'x', at: '2025-03-01T10:00:00Z', callId: 7 as never })).rejects.toMatchObject({ field: 'event.callId' });
    await expect(journal.appendEvent({ type: 'x', at: '2025-03-01T10:00:00Z', big: 10n as never })).rejects.toMatchObject({ field: 'event' });
    await expect(journal.readFrom(-1, 10)).rejects.toMatchObject({ field: 'afterSeq' });
    await expect(journal.readFrom(0, 0)).rejects.toMatchObject({ field: 'limit' });
    await expect(journal.readFrom(0.5, 10)).rejects.toMatchObject({ field: 'afterSeq' });
    expect((await journal.appendEvent({ type: 'message.taken', at: '2025-03-01T10:00:00Z', callId: null })).seq).toBe(1);
    expect(journal.lastSeq()).toBe(1);
  });
});
