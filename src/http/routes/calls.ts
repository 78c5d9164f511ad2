/**
 * Calls (issue 8 items 3 and 7): `GET /api/v1/calls` pages newest first by seq (limit, before); with any of
 * from, to, outcome or format it streams an export in journal order (json | ndjson | csv; `it` role only on
 * the LAN). `GET /api/v1/calls/{id}` one call; `PATCH /api/v1/calls/{id}` notes and category (R8);
 * `POST /api/v1/calls/{id}/number` the caller's whole number, logged (R11). `GET /api/v1/calls/search` the call
 * history (issue 18 item 9): filtered, searched and paged newest first from the records projection's index.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CsvRows } from '../../adapters/csv/csv-rows.ts';
import { csvLine, csvStream } from '../../adapters/csv/csv-stream.ts';
import type { DeskUnit } from '../../app/desk-unit.ts';
import { exportCalls, lineRows } from '../../app/records/export-calls.ts';
import type { RecordsService } from '../../app/records/records-service.ts';
import { ForbiddenError } from '../../core/api-errors.ts';
import { BadInputError } from '../../core/errors.ts';
import type { CallRecord, Outcome } from '../../core/record.ts';
import { seesFull, showCaller, viewerLabel, viewerMay, type Viewer } from '../auth/viewer.ts';
import { searchMatches, type SearchRights } from '../history/search-text.ts';
import { showCallback } from './callbacks.ts';
import { showMessage } from './messages.ts';
import { CALL_COLUMN_LABELS, csvLang, type CsvLang } from '../csv-labels.ts';
import { idParam, isoInstant, text } from './schemas.ts';

const OUTCOMES = ['answered', 'missed', 'abandoned', 'busy', 'interrupted', 'transferred', 'message', 'callback-requested'] as const satisfies readonly Outcome[];

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    before: z.coerce.number().int().min(1).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    outcome: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(z.enum(OUTCOMES)))
      .optional()
      .describe(`comma-separated: ${OUTCOMES.join(',')}`),
    format: z.enum(['json', 'ndjson', 'csv']).optional(),
    lang: csvLang,
  })
  .strict();

const outcomeList = z
  .string()
  .transform((s) => s.split(','))
  .pipe(z.array(z.enum(OUTCOMES)))
  .describe(`comma-separated: ${OUTCOMES.join(',')}`);

const searchQuery = z
  .object({
    q: z.string().trim().min(1).max(100).optional().describe('a name (any part) or a number; a receptionist finds a number whole or by its last four digits'),
    outcome: outcomeList.optional(),
    from: isoInstant.optional().describe('calls started at or after'),
    to: isoInstant.optional().describe('calls started before'),
    limit: z.coerce.number().int().min(1).max(200).optional().describe('calls a page (default 50)'),
    before: z.coerce.number().int().min(1).optional().describe('the seq the next page starts below (from `next`)'),
  })
  .strict();

/** Who may search by name or number, and how (../history/search-text.ts); null: may filter but not search. */
function searchRights(viewer: Viewer): SearchRights | null {
  if (seesFull(viewer)) return 'whole-numbers';
  return viewer.kind === 'token' && viewer.role === 'reception' ? 'masked-numbers' : null;
}

const patchBody = z
  .object({ notes: text(2000).nullable().optional(), category: z.string().max(40).nullable().optional() })
  .strict();

/**
 * Each column's cell, read by a function of its own: a property read at one place stays fast, where one read by a
 * changing key goes through V8's generic lookup (the export benchmark: about a microsecond a row). holds as JSON
 * text (JSON_TEXT_FIELDS), so the row parses back to the record. Typed over CallRecord's keys: a record field
 * without a column (or a column without a field) fails to compile, so the CSV always carries the whole record.
 */
const CELL_OF: { [K in keyof CallRecord]-?: (r: CallRecord) => unknown } = {
  id: (r) => r.id,
  unitId: (r) => r.unitId,
  line: (r) => r.line,
  direction: (r) => r.direction,
  callerNumber: (r) => r.callerNumber,
  callerName: (r) => r.callerName,
  startedAt: (r) => r.startedAt,
  rings: (r) => r.rings,
  answeredBy: (r) => r.answeredBy,
  answeredAt: (r) => r.answeredAt,
  pickedUpAt: (r) => r.pickedUpAt,
  late: (r) => r.late,
  holds: (r) => JSON.stringify(r.holds),
  transferTarget: (r) => r.transferTarget,
  transferResult: (r) => r.transferResult,
  bridgedMs: (r) => r.bridgedMs,
  consultFor: (r) => r.consultFor,
  contactName: (r) => r.contactName,
  // Absent (an empty cell) on records written before recording existed, as in their JSON and as the stored-text copy.
  recorded: (r) => r.recorded,
  talkMs: (r) => r.talkMs,
  endedAt: (r) => r.endedAt,
  hungUpFirst: (r) => r.hungUpFirst,
  outcome: (r) => r.outcome,
  greetingPlayed: (r) => r.greetingPlayed,
  notes: (r) => r.notes,
  category: (r) => r.category,
  message: (r) => r.message,
  callbackDue: (r) => r.callbackDue,
  callbackDone: (r) => r.callbackDone,
  timeZone: (r) => r.timeZone,
};
/** The fields whose cell is their JSON text. */
export const JSON_TEXT_FIELDS: readonly (keyof CallRecord)[] = ['holds'];
/** The record fields, one a column after seq. */
export const CSV_FIELDS = Object.keys(CELL_OF);
/** The export's columns, in order: the journal seq, then every record field. */
export const CSV_COLUMNS = ['seq', ...CSV_FIELDS] as ('seq' | keyof CallRecord)[];
/** The CSV's header line in words (../csv-labels.ts), Chinese by default. */
export function csvHeaders(lang: CsvLang = 'zh'): string[] {
  return CSV_COLUMNS.map((c) => CALL_COLUMN_LABELS[c][lang]);
}
const CELLS = Object.values(CELL_OF);

/** One CSV line in CSV_COLUMNS order; null as an empty cell. */
export function csvRecordLine(seq: number, r: CallRecord): string {
  const cells: unknown[] = [seq];
  for (const cell of CELLS) cells.push(cell(r));
  return csvLine(cells);
}

export function callRoutes(app: FastifyInstance, unit: DeskUnit, records?: RecordsService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/calls', { schema: { querystring: listQuery } }, async (request, reply) => {
    const q = request.query;
    const show = showCaller(request.viewer);
    const exporting = q.from !== undefined || q.to !== undefined || q.outcome !== undefined || q.format !== undefined;
    if (q.lang !== undefined && q.format !== 'csv') throw new BadInputError('querystring.lang', 'names the CSV headers\' language: give it with format=csv');
    if (!exporting) {
      const limit = q.limit ?? 100;
      const entries = await unit.listCalls({ limit, ...(q.before !== undefined ? { beforeSeq: q.before } : {}) });
      const calls = entries.map(({ seq, record }) => ({ seq, ...show(records ? records.book.annotate(record) : record) }));
      const last = entries[entries.length - 1];
      return { calls, next: entries.length === limit && last && last.seq > 1 ? `/api/v1/calls?limit=${limit}&before=${last.seq}` : null };
    }
    if (!viewerMay(request.viewer, 'calls.export')) throw new ForbiddenError('exporting calls (from, to, outcome, format) needs the it role');
    if (!records) throw new ForbiddenError('export is not available on this listener');
    if (q.limit !== undefined || q.before !== undefined) throw new BadInputError(q.limit !== undefined ? 'querystring.limit' : 'querystring.before', 'pages only the plain list; an export (from, to, outcome, format) streams everything');
    await records.ready();
    const from = q.from === undefined ? undefined : Date.parse(q.from);
    const to = q.to === undefined ? undefined : Date.parse(q.to);
    if (from !== undefined && to !== undefined && to <= from) throw new BadInputError('querystring.to', 'must be after from');
    const filter = { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(q.outcome ? { outcomes: q.outcome } : {}) };
    const format = q.format ?? 'json';
    if (format === 'csv') {
      // A viewer who sees records as stored gets rows copied from the stored text (the same bytes, several times faster).
      const rows = new CsvRows({
        line: (seq, record) => csvRecordLine(seq, show(record)),
        ...(seesFull(request.viewer) ? { fromText: { fields: CSV_FIELDS, jsonTextFields: JSON_TEXT_FIELDS } } : {}),
      });
      // People read the CSV: the message column says what the slip says, not its id.
      const chunks = exportCalls(records.journal, records.book, filter, rows, true);
      void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="calls.csv"');
      return reply.send(csvStream(chunks, csvHeaders(q.lang)));
    }
    // JSON: an array, one record a line; NDJSON: one record a line.
    let first = true;
    const jsonLine = (seq: number, record: CallRecord) => {
      const line = JSON.stringify({ seq, ...show(record) });
      if (format === 'ndjson') return `${line}\n`;
      const lead = first ? '\n' : ',\n';
      first = false;
      return lead + line;
    };
    const chunks = exportCalls(records.journal, records.book, filter, lineRows(jsonLine));
    async function* text() {
      if (format === 'json') yield '[';
      yield* chunks;
      if (format === 'json') yield '\n]\n';
    }
    void reply.header('content-type', format === 'json' ? 'application/json; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    // One chunk waits at most (see csvStream).
    return reply.send(Readable.from(text(), { highWaterMark: 1 }));
  });

  if (!records) return;
  api.get('/api/v1/calls/search', { schema: { querystring: searchQuery } }, async (request) => {
    const q = request.query;
    const from = q.from === undefined ? undefined : Date.parse(q.from);
    const to = q.to === undefined ? undefined : Date.parse(q.to);
    if (from !== undefined && to !== undefined && to <= from) throw new BadInputError('querystring.to', 'must be after from');
    let text;
    if (q.q !== undefined) {
      const rights = searchRights(request.viewer);
      if (!rights) throw new ForbiddenError('searching calls by name or number needs the reception or it role');
      text = searchMatches(q.q, rights);
    }
    const limit = q.limit ?? 50;
    const page = await records.searchCalls({
      limit,
      ...(q.before !== undefined ? { before: q.before } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(q.outcome ? { outcomes: q.outcome } : {}),
      ...(text ? { text } : {}),
    });
    const show = showCaller(request.viewer);
    let next: string | null = null;
    if (page.nextBefore !== null) {
      const url = new URL(request.url, 'http://unit');
      url.searchParams.set('before', String(page.nextBefore));
      next = `${url.pathname}${url.search}`;
    }
    return { calls: page.calls.map(({ seq, record }) => ({ seq, ...show(record) })), total: page.total, next };
  });
  // The call with what is kept beside it: its message slip and its call-back (the history's detail).
  api.get('/api/v1/calls/:id', { schema: { params: idParam } }, async (request) => {
    const { seq, record } = await records.getCall(request.params.id);
    const beside = await records.besideCall(request.params.id);
    return {
      seq,
      ...showCaller(request.viewer)(record),
      slip: beside.slip && showMessage(request.viewer)(beside.slip),
      callback: beside.callback && showCallback(request.viewer)(beside.callback),
    };
  });
  // R11 (issue 18): the whole number on request, logged in the journal (who, when, which call).
  api.post('/api/v1/calls/:id/number', { schema: { params: idParam } }, async (request) => ({
    id: request.params.id,
    number: await records.showNumber('call', request.params.id, viewerLabel(request.viewer)),
  }));
  api.patch('/api/v1/calls/:id', { schema: { params: idParam, body: patchBody } }, async (request) => {
    const { seq, record } = await records.annotate(request.params.id, request.body, viewerLabel(request.viewer));
    return { seq, ...showCaller(request.viewer)(record) };
  });
}
