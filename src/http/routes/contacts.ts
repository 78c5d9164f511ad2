/**
 * The contact book (issue 20 item 1) and the returning caller's ring-time summary. `reception` lists, adds, edits
 * and removes contacts (she sees names, numbers masked in the middle: R11); `it` reads them whole and exports them
 * as CSV (Chinese headers by default); the wallboard gets nothing. A number is written any way a person writes
 * one and stored in E.164 (the one form the ring-time look-up uses); a bad one is refused naming `body.number`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { normalizePhoneNumber } from '../../adapters/phone/phone-numbers.ts';
import { csvText } from '../../adapters/csv/csv-stream.ts';
import type { Contact, ContactBook } from '../../app/contacts/contact-book.ts';
import type { RingingCaller, ReturningCallers } from '../../app/contacts/returning-callers.ts';
import { numberDigits } from '../../app/records/call-text.ts';
import { seesFull, showCaller, showSlipCaller, viewerLabel, type Viewer } from '../auth/viewer.ts';
import { csvLang } from '../csv-labels.ts';
import { idParam, text } from './schemas.ts';

/** A number as the receptionist writes it (137-0000-2222, (010) 1234 5678, +86 …), stored in E.164. */
export const writtenNumber = z
  .string()
  .max(40)
  .transform((written, ctx) => {
    const number = normalizePhoneNumber(written);
    if (number === null) {
      ctx.addIssue({ code: 'custom', message: 'is not a phone number: write it like 137-0000-2222, (010) 1234 5678, +86 137 0000 2222, or an extension of 2 to 6 digits' });
      return z.NEVER;
    }
    return number;
  });

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional().transform((v) => (v === '' ? null : v));

const newContact = z
  .object({
    number: writtenNumber.describe('the caller number to name'),
    name: text(100).describe('who calls from the number'),
    company: optionalText(200),
    note: optionalText(1000),
  })
  .strict();
const contactChange = z
  .object({ number: writtenNumber.optional(), name: text(100).optional(), company: optionalText(200), note: optionalText(1000) })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: 'give number, name, company or note' });
const listQuery = z.object({ q: z.string().trim().max(100).optional() }).strict();
const exportQuery = z.object({ lang: csvLang }).strict();
const callParam = z.object({ callId: z.string().min(1).max(200) }).strict();

const CSV_COLUMNS = ['name', 'company', 'number', 'note', 'updatedAt', 'updatedBy'] as const;
const CSV_HEADERS: Record<'zh' | 'en', string[]> = {
  zh: ['姓名', '单位', '号码', '备注', '更新时间', '更新人'],
  en: ['Name', 'Company', 'Number', 'Note', 'Updated at', 'Updated by'],
};

/** R11: the contact's number as this viewer may see it (the name is the receptionist's own words). */
function showContact(viewer: Viewer): (c: Contact) => Contact {
  const caller = showCaller(viewer);
  return (c) => {
    const shown = caller({ callerNumber: c.number, callerName: c.name });
    return { ...c, number: shown.callerNumber ?? '', name: shown.callerName ?? '' };
  };
}

/**
 * What a search finds: name, company or note as typed; a number whole (written any way) for everyone, and any
 * part of it only for a viewer who sees whole numbers (the receptionist's last four digits she sees anyway).
 */
function matcher(q: string, full: boolean): (c: Contact) => boolean {
  const words = q.toLowerCase();
  const whole = normalizePhoneNumber(q);
  const digits = numberDigits(q);
  return (c) => {
    if ([c.name, c.company ?? '', c.note ?? ''].some((t) => t.toLowerCase().includes(words))) return true;
    if (whole !== null && c.number === whole) return true;
    if (digits.length === 0) return false;
    return full ? numberDigits(c.number).includes(digits.replace(/^0+/, '') || digits) : digits.length === 4 && c.number.endsWith(digits);
  };
}

function showRinging(viewer: Viewer, r: RingingCaller): RingingCaller {
  const caller = showCaller(viewer);
  const shown = caller({ callerNumber: r.number, callerName: r.displayName });
  const normalized = caller({ callerNumber: r.normalized, callerName: null }).callerNumber;
  return {
    ...r,
    number: shown.callerNumber,
    displayName: shown.callerName,
    normalized,
    contact: r.contact && showContact(viewer)(r.contact),
    openCallbacks: r.openCallbacks.map((cb) => ({ ...cb, name: caller({ callerNumber: null, callerName: cb.name }).callerName })),
    undeliveredMessages: r.undeliveredMessages.map((m) => ({ ...m, from: showSlipCaller(viewer, m.from, null).from as string })),
  };
}

export function contactRoutes(app: FastifyInstance, contacts: ContactBook, callers: ReturningCallers): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/contacts', { schema: { querystring: listQuery } }, async (request) => {
    const q = request.query.q;
    const list = contacts.list(q ? matcher(q, seesFull(request.viewer)) : undefined);
    return { contacts: list.map(showContact(request.viewer)) };
  });
  api.post('/api/v1/contacts', { schema: { body: newContact } }, async (request, reply) => {
    const c = await contacts.create(request.body, viewerLabel(request.viewer));
    return reply.status(201).send(showContact(request.viewer)(c));
  });
  api.patch('/api/v1/contacts/:id', { schema: { params: idParam, body: contactChange } }, async (request) =>
    showContact(request.viewer)(await contacts.update(request.params.id, request.body, viewerLabel(request.viewer))),
  );
  api.delete('/api/v1/contacts/:id', { schema: { params: idParam } }, async (request) =>
    showContact(request.viewer)(await contacts.remove(request.params.id, viewerLabel(request.viewer))),
  );
  api.get('/api/v1/contacts/export', { schema: { querystring: exportQuery } }, async (request, reply) => {
    const lang = request.query.lang ?? 'zh';
    const rows = contacts.list().map(showContact(request.viewer));
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="contacts.csv"');
    return reply.send(csvText(rows as unknown as Record<string, unknown>[], CSV_COLUMNS, CSV_HEADERS[lang]));
  });
  api.get('/api/v1/callers/live', async (request) => ({ callers: (await callers.live()).map((r) => showRinging(request.viewer, r)) }));
  api.get('/api/v1/callers/:callId', { schema: { params: callParam } }, async (request) => showRinging(request.viewer, await callers.forCall(request.params.callId)));
}
