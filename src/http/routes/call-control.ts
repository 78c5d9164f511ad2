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

const to = text(200).describe("a colleague's name from the directory, a SIP URI (sip:user@host) or a number");
const toBody = z.object({ to }).strict();
const transferBody = z
  .object({
    to,
    announce: z.enum(['receptionist', 'unit']).optional().describe('consult transfers: who announces the caller to the colleague (default sip.transfer.announce)'),
  })
  .strict();
const noBody = z.object({}).strict().nullish();

export function callControlRoutes(app: FastifyInstance, unit: DeskUnit, directory: DirectoryBook): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/directory', async () => ({ items: directory.list() }));
  api.post('/api/v1/calls', { schema: { body: toBody } }, async (request, reply) => {
    const target = directory.resolve(request.body.to, 'body.to');
    const placed = await unit.placeCall(target.uri);
    return reply.status(201).send({ ...placed, to: target });
  });
  api.post('/api/v1/calls/current/transfer', { schema: { body: transferBody } }, async (request, reply) => {
    const target = directory.resolve(request.body.to, 'body.to');
    const { callId } = unit.transferCall(target, request.body.announce);
    // Accepted: the caller hears the announcement, then the transfer goes on; the outcome arrives as live events.
    return reply.status(202).send({ callId, to: target });
  });
  api.post('/api/v1/calls/current/transfer/connect', { schema: { body: noBody } }, async (_request, reply) => reply.status(202).send(unit.connectTransfer()));
  api.post('/api/v1/calls/current/transfer/cancel', { schema: { body: noBody } }, async (_request, reply) => reply.status(202).send(unit.cancelTransfer()));
}
