/**
 * One journal entry as a self-describing JSON object for sinks that carry documents (HTTPS NDJSON):
 * `{unitId, seq, kind: "call", record}` or `{unitId, seq, kind: "event", event}`. (unitId, seq) is its identity.
 */
import { isCallEntry, type AnyJournalEntry } from '../../ports/call-journal.ts';

export function entryDocument(unitId: string, entry: AnyJournalEntry): Record<string, unknown> {
  return isCallEntry(entry)
    ? { unitId, seq: entry.seq, kind: 'call', record: entry.record }
    : { unitId, seq: entry.seq, kind: 'event', event: entry.event };
}

export function toNdjson(unitId: string, entries: readonly AnyJournalEntry[]): string {
  let out = '';
  for (const e of entries) out += `${JSON.stringify(entryDocument(unitId, e))}\n`;
  return out;
}
