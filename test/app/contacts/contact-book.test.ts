/**
 * The contact book's storage (issue 20 item 1): contacts survive a restart in their durable state file (the lowdb
 * store behind the power-cut-safe adapter), keyed by number; a change the disk refuses leaves the book and the
 * journal as they were; every change that is kept is a journal event naming who made it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../../src/adapters/journal/memory-journal.ts';
import { LowdbStateStore } from '../../../src/adapters/state/lowdb-state-store.ts';
import { MemoryStateStore } from '../../../src/adapters/state/memory-state-store.ts';
import { ContactBook } from '../../../src/app/contacts/contact-book.ts';
import { isCallEntry } from '../../../src/ports/call-journal.ts';

const clock = { now: () => Date.UTC(2026, 11, 7, 6), monotonic: () => 0 };
let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

describe('ContactBook', () => {
  it('keeps contacts across a restart in its state file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-contacts-'));
    const file = join(dir, 'state', 'contacts.json');
    const journal = new MemoryJournal();
    const book = new ContactBook({ store: new LowdbStateStore(file), journal, clock });
    await book.open();
    const c = await book.create({ number: '+8613800001111', name: '钱女士', company: '华东贸易' }, 'reception:desk-1');
    await book.update(c.id, { note: '只说普通话' }, 'reception:desk-1');
    await book.create({ number: '+862160001234', name: 'Acme' }, 'reception:desk-1');
    await book.close();
    expect(JSON.parse(await readFile(file, 'utf8')).contacts).toHaveLength(2);
    const again = new ContactBook({ store: new LowdbStateStore(file), journal, clock });
    await again.open();
    expect(again.forNumber('+8613800001111')).toMatchObject({ id: c.id, name: '钱女士', company: '华东贸易', note: '只说普通话', updatedBy: 'reception:desk-1' });
    expect(again.list().map((x) => x.name).sort()).toEqual(['Acme', '钱女士']);
    await again.remove(c.id, 'reception:desk-1');
    await again.close();
    const third = new ContactBook({ store: new LowdbStateStore(file), journal, clock });
    await third.open();
    expect(third.forNumber('+8613800001111')).toBeUndefined();
    expect(journal.all.map((e) => (isCallEntry(e) ? null : [e.event.type, e.event.by]))).toEqual([
      ['contact.saved', 'reception:desk-1'], ['contact.saved', 'reception:desk-1'], ['contact.saved', 'reception:desk-1'], ['contact.deleted', 'reception:desk-1'],
    ]);
  });

  it('a corrupt state file is refused naming it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskphone-contacts-'));
    const file = join(dir, 'contacts.json');
    await writeFile(file, '{"contacts": [');
    const book = new ContactBook({ store: new LowdbStateStore(file), journal: new MemoryJournal(), clock });
    await expect(book.open()).rejects.toThrow(file);
  });

  it('a change the disk refuses leaves the book and the journal as they were', async () => {
    const store = new MemoryStateStore();
    const journal = new MemoryJournal();
    const book = new ContactBook({ store, journal, clock });
    await book.open();
    const c = await book.create({ number: '+8613800001111', name: '钱女士' }, 'reception:desk-1');
    store.set = () => Promise.reject(new Error('disk full'));
    await expect(book.update(c.id, { name: '钱经理' }, 'reception:desk-1')).rejects.toThrow('disk full');
    await expect(book.create({ number: '+8613900002222', name: '赵' }, 'reception:desk-1')).rejects.toThrow('disk full');
    await expect(book.remove(c.id, 'reception:desk-1')).rejects.toThrow('disk full');
    expect(book.list()).toEqual([expect.objectContaining({ id: c.id, name: '钱女士' })]);
    expect(book.forNumber('+8613900002222')).toBeUndefined();
    expect(journal.all).toHaveLength(1);
  });
});
