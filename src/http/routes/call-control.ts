/**
 * Call control from the desk's web page and IT's tools (issue 7 items 6 and 7, SPEC R13, issue 19):
 * `GET /api/v1/directory` lists the colleagues; `POST /api/v1/calls {"to"}` places a call (a colleague's name, a
 * SIP URI or a number); `POST /api/v1/calls/current/transfer {"to","announce"?}` transfers the call on the line:
 * the caller hears "transferring you to <name>", then hold audio while the unit calls the colleague (consult, the
 * default; `announce` `receptionist` or `unit`) or REFERs the caller (`sip.transfer.method` `refer`).
 * `.../transfer/connect` joins caller and colleague once the colleague answered; `.../transfer/cancel` ends the
 * consult call. A transfer that fails brings the caller back on hold at the desk (taken back with the handset or
 * HOLD); the record names the target and the result. The outcome arrives as live events and in /api/v1/status.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DirectoryBook } from '../../app/calls/directory-book.ts';
import type { DeskUnit } from '../../app/desk-unit.ts';
import { text } from './schemas.ts';
import { ConflictError } from '../../core/api-errors.ts';
import type { DeskSettings } from '../../app/desk/desk-settings.ts';

const to = text(200).describe("a colleague's name from the directory, a SIP URI (sip:user@host) or a number");
const toBody = z.object({ to }).strict();
const transferBody = z
  .object({
    to,
    announce: z.enum(['receptionist', 'unit']).optional().describe('consult transfers: who announces the caller to the colleague (default sip.transfer.announce)'),
    anyway: z.boolean().optional().describe('transfer to a colleague set away (issue 20): without it the answer is 409 naming body.to and the time they are back'),
  })
  .strict();
const noBody = z.object({}).strict().nullish();

export function callControlRoutes(app: FastifyInstance, unit: DeskUnit, directory: DirectoryBook, desk?: DeskSettings): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Issue 20 item 5: each colleague with their absence now ("外出至 15:00"), or null.
  api.get('/api/v1/directory', async () => ({ items: directory.list().map((c) => ({ ...c, away: desk?.awayNow(c.name) ?? null })) }));
  api.post('/api/v1/calls', { schema: { body: toBody } }, async (request, reply) => {
    const target = directory.resolve(request.body.to, 'body.to');
    const placed = await unit.placeCall(target.uri);
    return reply.status(201).send({ ...placed, to: target });
  });
  api.post('/api/v1/calls/current/transfer', { schema: { body: transferBody } }, async (request, reply) => {
    const target = directory.resolve(request.body.to, 'body.to');
    // R13: a colleague set away is offered as a message first; the page asks, and sends anyway when told to.
    const away = desk?.awayNow(target.label);
    if (away && !request.body.anyway)
      throw new ConflictError('body.to', `${away.name} is away until ${away.untilTime} (${away.untilDate}): take a message, or send anyway: true to transfer all the same`);
    const { callId } = unit.transferCall(target, request.body.announce);
    // Accepted: the caller hears the announcement, then the transfer goes on; the outcome arrives as live events.
    return reply.status(202).send({ callId, to: target });
  });
  api.post('/api/v1/calls/current/transfer/connect', { schema: { body: noBody } }, async (_request, reply) => reply.status(202).send(unit.connectTransfer()));
  api.post('/api/v1/calls/current/transfer/cancel', { schema: { body: noBody } }, async (_request, reply) => reply.status(202).send(unit.cancelTransfer()));
}
