/**
 * Message slips (R9; issue 8 item 4): all five elements (to, from, content, takenBy, and the time, which is the
 * unit's) are required: a missing one is a 400 naming it. Who left it and the call-back number are shown
 * per the viewer's role (R11: reception sees the name as given and the number masked in the middle).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageSlip } from '../../app/records/records-book.ts';
import type { RecordsService } from '../../app/records/records-service.ts';
import { showSlipCaller, viewerLabel, type Viewer } from '../auth/viewer.ts';
import { normalizePhoneNumber } from '../../adapters/phone/phone-numbers.ts';
import { idParam, isoInstant, text } from './schemas.ts';

/**
 * A call-back number as the receptionist writes it (137-0000-2222, (010) 1234 5678, +86 …), stored in E.164
 * (issue 18); a short extension as its digits. Refused with what to write instead.
 */
const callbackNumber = z
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

const newMessage = z
  .object({
    callId: z.string().min(1).max(100).nullable().optional(),
    to: text(100).describe('the colleague the message is for'),
    from: text(200).describe('who left the message'),
    callbackNumber: callbackNumber.nullable().optional(),
    content: text(4000),
    takenBy: text(100).describe('who took the message'),
  })
  .strict();

const listQuery = z.object({ for: text(100).optional(), since: isoInstant.optional() }).strict();

/** R11: the caller who left the message and the call-back number are masked like any caller's. */
export function showMessage(viewer: Viewer): (m: MessageSlip) => MessageSlip {
  return (m) => ({ ...m, ...(showSlipCaller(viewer, m.from, m.callbackNumber) as { from: string; callbackNumber: string | null }) });
}

export function messageRoutes(app: FastifyInstance, records: RecordsService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/v1/messages', { schema: { body: newMessage } }, async (request, reply) => {
    const slip = await records.takeMessage(request.body, viewerLabel(request.viewer));
    return reply.status(201).send(showMessage(request.viewer)(slip));
  });
  api.get('/api/v1/messages', { schema: { querystring: listQuery } }, async (request) => {
    const { for: to, since } = request.query;
    const list = await records.listMessages({ ...(to !== undefined ? { for: to } : {}), ...(since !== undefined ? { since: Date.parse(since) } : {}) });
    return { messages: list.map(showMessage(request.viewer)) };
  });
  api.post('/api/v1/messages/:id/delivered', { schema: { params: idParam } }, async (request) =>
    showMessage(request.viewer)(await records.markDelivered(request.params.id, viewerLabel(request.viewer))),
  );
}
