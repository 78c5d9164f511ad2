/**
 * Export (issue 8 item 7) over a real HTTP listener from the real JSONL journal: 200k calls as CSV parse back
 * (csv-parse) to the same records with memory staying flat; JSON and NDJSON carry the same; filters work.
 * Port range of test/http: 29000-29999.
 */
import { request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'csv-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordsService } from '../../src/app/records/records-service.ts';
import type { CallRecord } from '../../src/core/record.ts';
import { CSV_COLUMNS, csvHeaders } from '../../src/http/routes/calls.ts';
import { buildHttp } from '../../src/http/server.ts';
import { callNo, FIRST_CALL_MS } from './export-fixture.ts';
import { seededRecords, silent } from './records-fixture.ts';

const N = 200_000;
setFlagsFromString('--expose_gc');
/** A full collection, so heap figures show what is kept, not garbage waiting. */
const gc = runInNewContext('gc') as () => void;
function retainedHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}
const PORT = 29020;
let seeded: Awaited<ReturnType<typeof seededRecords>>;
let records: RecordsService;
let app: ReturnType<typeof buildHttp>;

beforeAll(async () => {
  seeded = await seededRecords(N, undefined, { now: () => FIRST_CALL_MS, monotonic: () => 0 });
  records = seeded.records;
  await records.annotate('call-5', { notes: '改过的备注', category: 'complaint' }, 'test');
  app = buildHttp({ unit: seeded.unit, unitId: 'u1', logger: silent, records });
  await app.listen({ host: '127.0.0.1', port: PORT });
}, 300_000);

afterAll(async () => {
  await app.close();
  await seeded.close();
});

function get(path: string) {
  return new Promise<import('node:http').IncomingMessage>((resolve, reject) => request({ host: '127.0.0.1', port: PORT, path }, resolve).on('error', reject).end());
}

async function text(path: string): Promise<{ status: number; type: string; body: string }> {
  const res = await get(path);
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return { status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') };
}

const NUMBERS = new Set(['seq', 'line', 'rings', 'talkMs']);
const BOOLEANS = new Set(['late', 'greetingPlayed']);

/** A CSV row back to a record: numbers and booleans typed, holds from JSON, empty cells null. */
function fromRow(row: Record<string, string>): { seq: number; record: CallRecord } {
  const out: Record<string, unknown> = {};
  for (const column of CSV_COLUMNS) {
    const v = row[column] ?? '';
    out[column] = NUMBERS.has(column) ? Number(v) : BOOLEANS.has(column) ? v === 'true' : column === 'holds' ? JSON.parse(v) : v === '' ? null : v;
  }
  const { seq, ...record } = out;
  return { seq: seq as number, record: record as unknown as CallRecord };
}

function sameRecord(a: CallRecord, b: CallRecord): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof CallRecord>;
  return [...keys].every((k) => JSON.stringify(a[k] ?? null) === JSON.stringify(b[k] ?? null));
}

function expectedCall(i: number): CallRecord {
  const r = callNo(i);
  if (i === 5) return { ...r, notes: '改过的备注', category: 'complaint' };
  // Missed and abandoned calls with a number are call-backs: every read shows when they are due.
  const cb = records.book.callbacks.get(r.id);
  return cb ? { ...r, callbackDue: new Date(cb.scheduledFor).toISOString() } : r;
}

describe('export', () => {
  it(`streams ${N} calls as CSV (UTF-8 BOM, RFC 4180) that parse back to the same records, memory flat`, async () => {
    const res = await get('/api/v1/calls?format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    let first = true;
    let count = 0;
    let bytes = 0;
    let peakHeap = 0;
    const baseHeap = retainedHeap();
    res.on('data', (c: Buffer) => {
      if (first) expect([...c.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      first = false;
      bytes += c.length;
    });
    // The header line is in words (Chinese by default): each maps back to its field.
    const parser = res.pipe(parse({ columns: (header: string[]) => header.map((label) => CSV_COLUMNS[csvHeaders().indexOf(label)]), bom: true, relax_quotes: false }));
    for await (const row of parser) {
      const { seq, record } = fromRow(row as Record<string, string>);
      if (seq !== count + 1 || !sameRecord(record, expectedCall(count))) {
        expect({ seq, record }).toEqual({ seq: count + 1, record: expectedCall(count) });
      }
      count++;
      if (count % 20_000 === 0) peakHeap = Math.max(peakHeap, retainedHeap() - baseHeap);
    }
    expect(count).toBe(N);
    // Flat: what the heap keeps never grows by anything like the export's size (the whole CSV is over 40 MB).
    expect(bytes).toBeGreaterThan(40 * 1024 * 1024);
    expect(peakHeap).toBeLessThan(bytes / 2);
  }, 300_000);

  it('JSON and NDJSON carry the same records; from, to and outcome filter', async () => {
    const from = new Date(FIRST_CALL_MS + 86_400_000).toISOString();
    const to = new Date(FIRST_CALL_MS + 2 * 86_400_000).toISOString();
    const json = await text(`/api/v1/calls?from=${from}&to=${to}`);
    expect(json.type).toBe('application/json; charset=utf-8');
    const list = JSON.parse(json.body) as ({ seq: number } & CallRecord)[];
    expect(list.map((c) => c.id)).toEqual(Array.from({ length: 100 }, (_, k) => `call-${100 + k}`));
    expect(list[0]).toEqual({ seq: 101, ...expectedCall(100) });
    const nd = await text(`/api/v1/calls?from=${from}&to=${to}&outcome=missed,busy&format=ndjson`);
    const lines = nd.body.trim().split('\n').map((l) => JSON.parse(l) as CallRecord);
    expect(lines.map((c) => c.id)).toEqual(list.filter((c) => c.outcome === 'missed' || c.outcome === 'busy').map((c) => c.id));
    expect((await text(`/api/v1/calls?from=${to}&to=${to}`)).status).toBe(400);
    const bad = await text('/api/v1/calls?outcome=lost');
    expect([bad.status, JSON.parse(bad.body).error.field]).toEqual([400, 'querystring.outcome.0']);
    const paged = await text('/api/v1/calls?format=json&limit=5');
    expect([paged.status, JSON.parse(paged.body).error.field]).toEqual([400, 'querystring.limit']);
    const none = await text('/api/v1/calls?from=2040-01-01T00:00:00Z&format=json');
    expect(JSON.parse(none.body)).toEqual([]);
  });

  it('paging by seq stays for the plain JSON list', async () => {
    const page = JSON.parse((await text('/api/v1/calls?limit=2')).body);
    expect(page.calls.map((c: { seq: number }) => c.seq)).toEqual([N, N - 1]);
    expect(page.next).toBe(`/api/v1/calls?limit=2&before=${N - 1}`);
  });
});
