/** The export hands the event loop back between chunks, so a call event is never held up by a long export. */
import { describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.ts';
import { exportCalls } from '../../../src/app/records/export-calls.ts';
import { RecordsBook } from '../../../src/app/records/records-book.ts';
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
    for await (const chunk of exportCalls(journal, book, {}, (seq, r) => `${seq},${r.id},${'x'.repeat(200)}\n`)) {
      chunks++;
      lines += chunk.split('\n').length - 1;
      if (chunks === 1) setImmediate(() => (chunksWhenTimerRan = chunks));
    }
    expect(lines).toBe(400);
    expect(chunks).toBeGreaterThan(3);
    expect(chunksWhenTimerRan).toBe(1);
  });
});
