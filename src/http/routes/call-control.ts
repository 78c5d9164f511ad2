/**
 * Call control from the desk's web page and IT's tools (issue 7 items 6 and 7, SPEC R13):
 * `GET /api/v1/directory` lists the colleagues; `POST /api/v1/calls {"to"}` places a call (a colleague's name, a
 * SIP URI or a number); `POST /api/v1/calls/current/transfer {"to"}` transfers the call on the line: the caller
 * hears "transferring you to <name>", then a blind transfer (REFER). A transfer that fails brings the caller back
 * on hold at the desk; the record names the target and the result.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DirectoryBook } from '../../app/calls/directory-book.ts';
import type { DeskUnit } from '../../app/desk-unit.ts';
import { text } from './schemas.ts';

const toBody = z.object({ to: text(200).describe("a colleague's name from the directory, a SIP URI (sip:user@host) or a number") }).strict();

export function callControlRoutes(app: FastifyInstance, unit: DeskUnit, directory: DirectoryBook): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/directory', async () => ({ items: directory.list() }));
  api.post('/api/v1/calls', { schema: { body: toBody } }, async (request, reply) => {
    const target = directory.resolve(request.body.to, 'body.to');
    const placed = await unit.placeCall(target.uri);
    return reply.status(201).send({ ...placed, to: target });
  });
  api.post('/api/v1/calls/current/transfer', { schema: { body: toBody } }, async (request, reply) => {
    const target = directory.resolve(request.body.to, 'body.to');
    const { callId } = unit.transferCall(target);
    // Accepted: the caller hears the announcement, then the stack transfers; the outcome arrives as live events.
    return reply.status(202).send({ callId, to: target });
  });
}
