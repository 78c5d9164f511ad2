/**
 * JsonlJournal.scan, the long read behind loading, reports and export: every entry after a seq and up to a
 * seq, in seq order across daily files and chunks, records and events alike, the same as readFrom gives; a line
 * changed on disk since open is skipped and logged; a reader that stops early leaves nothing pending. scanText
 * gives the same entries as their stored JSON text.
 */
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import type { AnyJournalEntry } from '../../../src/ports/call-journal.ts';
import { captureLogger, fakeClock, makeRecord, tempDir } from './support.ts';

let dir: string;
let cleanup: () => Promise<void>;
let journal: JsonlJournal;
let logger: ReturnType<typeof captureLogger>;
const N = 2500;

async function all(iterable: AsyncIterable<Iterable<AnyJournalEntry>>): Promise<number[]> {
  const seqs: number[] = [];
  for await (const chunk of iterable) for (const e of chunk) seqs.push(e.seq);
  return seqs;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  const clock = fakeClock('2025-03-01T10:00:00Z');
  logger = captureLogger();
  journal = new JsonlJournal({ dir, logger, clock });
  await journal.open();
  // Three daily files, an event after every tenth call.
  for (let i = 1; i <= N; i++) {
    if (i === 1000) clock.set('2025-03-02T10:00:00Z');
    if (i === 2000) clock.set('2025-03-03T10:00:00Z');
    if (i % 10 === 0) await journal.appendEvent({ type: 'call.annotated', at: '2025-03-01T10:05:00.000Z', callId: `c${i - 1}`, notes: 'n' });
    else await journal.append(makeRecord(`c${i}`));
  }
}, 60_000);

afterEach(async () => {
  await journal.close();
  await cleanup();
});

describe('JsonlJournal.scan', () => {
  it('gives every entry after afterSeq up to lastSeq, in order, as readFrom does', async () => {
    expect(await all(journal.scan(0))).toEqual(range(1, N));
    expect(await all(journal.scan(999, 2001))).toEqual(range(1000, 2001));
    expect(await all(journal.scan(N))).toEqual([]);
    expect(await all(journal.scan(5, 5))).toEqual([]);
    const viaScan: AnyJournalEntry[] = [];
    for await (const chunk of journal.scan(1200, 1300)) viaScan.push(...chunk);
    expect(viaScan).toEqual(await journal.readFrom(1200, 100));
    await expect(all(journal.scan(-1))).rejects.toMatchObject({ field: 'afterSeq' });
  });

  it('scanText gives each entry as its stored JSON text, the same entries as scan', async () => {
    const viaText: { seq: number; kind: string; json: unknown; parsed: AnyJournalEntry | null }[] = [];
    for await (const chunk of journal.scanText(1990, 2100))
      for (const t of chunk) viaText.push({ seq: t.seq, kind: t.kind, json: JSON.parse(Buffer.from(t.text.subarray(t.start, t.end)).toString('utf8')), parsed: t.parse() });
    const viaScan: AnyJournalEntry[] = [];
    for await (const chunk of journal.scan(1990, 2100)) viaScan.push(...chunk);
    expect(viaText.map((t) => t.parsed)).toEqual(viaScan);
    expect(viaText.map((t) => t.json)).toEqual(viaScan.map((e) => ('record' in e ? e.record : e.event)));
    expect(viaText.map((t) => t.kind)).toEqual(viaScan.map((e) => ('record' in e ? 'record' : 'event')));
  });

  it('skips and logs a line changed on disk since open, and goes on', async () => {
    const [victim] = await journal.readFrom(41, 1);
    expect(victim?.seq).toBe(42);
    const path = join(dir, 'calls-2025-03-01.jsonl');
    const file = await openFile(path, 'r+');
    try {
      const at = (await file.readFile()).indexOf('"c42"');
      await file.write('X', at + 1);
    } finally {
      await file.close();
    }
    const seqs = await all(journal.scan(0, 100));
    expect(seqs).toEqual(range(1, 100).filter((s) => s !== 42));
    expect(logger.lines.some((l) => l.level === 'warn' && String(l.msg).includes('journal seq 42'))).toBe(true);
    logger.lines.length = 0;
    const textSeqs: number[] = [];
    for await (const chunk of journal.scanText(0, 100)) for (const t of chunk) textSeqs.push(t.seq);
    expect(textSeqs).toEqual(seqs);
    expect(logger.lines.some((l) => l.level === 'warn' && String(l.msg).includes('journal seq 42'))).toBe(true);
  });

  it('a chunk kept past the next ones refuses to decode bytes read over it (never wrong entries)', async () => {
    const kept: Iterable<AnyJournalEntry>[] = [];
    for await (const chunk of journal.scan(0)) kept.push(chunk);
    expect(kept.length).toBeGreaterThan(2);
    expect(() => [...(kept[0] as Iterable<AnyJournalEntry>)]).toThrow(/decoded after the next one/);
    expect([...(kept[kept.length - 1] as Iterable<AnyJournalEntry>)].length).toBeGreaterThan(0);
  });

  it('a reader that stops after the first chunk leaves no read pending or failing', async () => {
    let seen = 0;
    for await (const chunk of journal.scan(0)) {
      for (const _ of chunk) seen++;
      break;
    }
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(N);
    expect(await all(journal.scan(N - 3))).toEqual(range(N - 2, N));
  });
});
