/**
 * A desk the receptionist runs herself (issue 20 item 5). `reception` sets today's mode (open / lunch / closed: what
 * an auto-answered caller hears), adds and removes holidays, and sets a colleague away until a time (a transfer to
 * them then offers a message first: src/http/routes/call-control.ts). `GET /api/v1/desk` shows all of it to the
 * roles that read the directory (a colleague's whereabouts: R11, never the wallboard). Every change is audited:
 * `installer` and `it` list the changes (who, when, old → new) and undo one (a new change, audited too).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeskSettings } from '../../app/desk/desk-settings.ts';
import { DESK_MODES } from '../../core/greeting-choice.ts';
import { viewerLabel } from '../auth/viewer.ts';
import { idParam, text } from './schemas.ts';

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date "YYYY-MM-DD"')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, 'not a real calendar date');

const modeBody = z.object({ mode: z.enum(DESK_MODES).describe('open: the day as planned; lunch: the lunch greeting (else out of hours); closed: out of hours all day') }).strict();
const holidayBody = z.object({ date: localDate.describe("the unit's local date"), name: z.string().trim().max(40).optional().describe('what to call it (shown on the page)') }).strict();
const dateParam = z.object({ date: localDate }).strict();
const awayBody = z
  .object({
    name: text(100).describe("the colleague's name in the directory"),
    until: z.string().trim().min(1).max(40).nullable().describe('"HH:MM" today (unit time zone) or an ISO-8601 time with a zone; null: back now'),
  })
  .strict();
const noBody = z.object({}).strict().nullish();

export function deskRoutes(app: FastifyInstance, desk: DeskSettings): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const now = () => ({ mode: desk.modeAt(), holidayToday: desk.holidayAt(), holidays: desk.holidays(), away: desk.away() });
  api.get('/api/v1/desk', async () => now());
  api.put('/api/v1/desk/mode', { schema: { body: modeBody } }, async (request) => ({ change: await desk.setMode(request.body.mode, viewerLabel(request.viewer)), ...now() }));
  api.post('/api/v1/desk/holidays', { schema: { body: holidayBody } }, async (request, reply) =>
    reply.status(201).send({ change: await desk.addHoliday(request.body.date, request.body.name ?? '', viewerLabel(request.viewer)), ...now() }),
  );
  api.delete('/api/v1/desk/holidays/:date', { schema: { params: dateParam } }, async (request) => ({ change: await desk.removeHoliday(request.params.date, viewerLabel(request.viewer)), ...now() }));
  api.post('/api/v1/desk/away', { schema: { body: awayBody } }, async (request) => ({
    change: await desk.setAway(request.body.name, request.body.until, viewerLabel(request.viewer)),
    ...now(),
  }));
  api.get('/api/v1/desk/changes', async () => ({ changes: desk.changes() }));
  api.post('/api/v1/desk/changes/:id/undo', { schema: { params: idParam, body: noBody } }, async (request, reply) =>
    reply.status(201).send({ change: await desk.undo(request.params.id, viewerLabel(request.viewer)), ...now() }),
  );
}
