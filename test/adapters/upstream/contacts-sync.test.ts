/**
 * The contact book upstream (issue 20 item 1), against a real PostgreSQL with the real migrations: a call record's
 * contactName lands in deskphone.calls.contact_name, and the deskphone.contacts view shows each unit's contact
 * book as its latest contact.saved / contact.deleted journal events say (edited, removed, resent in any order).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSink } from '../../../src/adapters/upstream/postgres-sink.ts';
import { postgresSinkSchema } from '../../../src/config/upstream-schema.ts';
import type { AnyJournalEntry } from '../../../src/ports/call-journal.ts';
import { sampleRecord } from '../../http/sample-record.ts';
import { startPostgres, type PostgresPeer } from '../../peers/postgres.ts';
import { memoryLogger } from '../../support/memory-logger.ts';

const PORT = 27040;
let pg: PostgresPeer;
let sink: PostgresSink;

beforeAll(async () => {
  pg = await startPostgres(PORT);
  await pg.createDatabase('contacts');
  sink = new PostgresSink({ config: postgresSinkSchema.parse({ url: pg.url({ database: 'contacts' }), connectTimeoutMs: 3000 }), logger: memoryLogger() });
}, 120_000);
afterAll(async () => {
  await sink?.close().catch(() => undefined);
  await pg?.destroy();
});

const saved = (seq: number, contactId: string, name: string, extra: Record<string, unknown> = {}): AnyJournalEntry => ({
  seq, event: { type: 'contact.saved', at: `2026-12-07T0${seq}:00:00.000Z`, callId: null, contactId, number: `+86138000000${seq}0`, name, company: null, note: null, by: 'reception:desk-1', ...extra },
});

describe('contact book in PostgreSQL', () => {
  it('stores contact_name and shows the latest state of every contact per unit', async () => {
    await sink.migrate();
    const entries: AnyJournalEntry[] = [
      { seq: 1, record: sampleRecord({ id: 'call-1', contactName: '钱女士' }) },
      { seq: 2, record: sampleRecord({ id: 'call-2' }) },
      saved(3, 'c-a', '钱女士', { company: '华东贸易' }),
      saved(4, 'c-b', '赵先生'),
      saved(5, 'c-a', '钱女士（采购）', { note: '周五结账' }),
      { seq: 6, event: { type: 'contact.deleted', at: '2026-12-07T06:00:00.000Z', callId: null, contactId: 'c-b', number: '+8613800000040', by: 'reception:desk-1' } },
    ];
    // Sent out of order and twice: the view still follows the journal order (seq).
    await sink.send({ unitId: 'desk-1', entries: [...entries.slice(3), ...entries.slice(0, 3)] });
    await sink.send({ unitId: 'desk-1', entries });
    await sink.send({ unitId: 'desk-2', entries: [saved(1, 'c-a', 'Other unit')] });
    const calls = await pg.query<{ call_id: string; contact_name: string | null }>('SELECT call_id, contact_name FROM deskphone.calls ORDER BY call_id', [], 'contacts');
    expect(calls).toEqual([{ call_id: 'call-1', contact_name: '钱女士' }, { call_id: 'call-2', contact_name: null }]);
    const contacts = await pg.query<Record<string, unknown>>('SELECT unit_id, contact_id, name, note, updated_by FROM deskphone.contacts ORDER BY unit_id, contact_id', [], 'contacts');
    expect(contacts).toEqual([
      { unit_id: 'desk-1', contact_id: 'c-a', name: '钱女士（采购）', note: '周五结账', updated_by: 'reception:desk-1' },
      { unit_id: 'desk-2', contact_id: 'c-a', name: 'Other unit', note: null, updated_by: 'reception:desk-1' },
    ]);
  });
});
