/**
 * Message slips (R9; issue 8 item 4): all five elements (to, from, content, takenBy, and the time, which is the
 * unit's) are required: a missing one is a 400 naming it. Who left it and the call-back number are shown
 * per the viewer's role (R11: reception sees the name as given and the number masked in the middle).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageSlip } from '../../app/records/records-book.ts';
import type { RecordsService } from '../../app/records/records-service.ts';
import { showSlipCaller, viewerLabel, type Viewer } from '../auth/viewer.ts';
import { normalizePhoneNumber } from '../../adapters/phone/phone-numbers.ts';
import { idParam, isoInstant, text } from './schemas.ts';
import { NotFoundError } from '../../core/api-errors.ts';

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

/**
 * One byte range of a `Range: bytes=…` header within `size` bytes: [start, end] inclusive; null for no header, a
 * header this does not serve (several ranges, other units: the whole file is sent), or 'unsatisfiable'.
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** A WAV file on the unit, whole or one byte range of it (voice messages, call recordings). */
export function sendWav(reply: FastifyReply, rangeHeader: string | undefined, path: string, size: number): FastifyReply {
  const range = byteRange(rangeHeader, size);
  reply.header('content-type', 'audio/wav').header('accept-ranges', 'bytes').header('cache-control', 'no-store');
  if (range === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${size}`).send();
  if (range === null) return reply.header('content-length', size).send(createReadStream(path));
  return reply
    .status(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
    .header('content-length', range.end - range.start + 1)
    .send(createReadStream(path, { start: range.start, end: range.end }));
}

/**
 * `voiceDir`: where voice messages' audio is (`<dataDir>/voice-messages`); without it no audio route. R9 voice
 * messages (issue 20 item 3) are played by reception and it (`calls.read`), never cached by the browser.
 */
export function messageRoutes(app: FastifyInstance, records: RecordsService, voiceDir?: string): void {
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
  if (voiceDir !== undefined) {
    api.get('/api/v1/messages/:id/audio', { schema: { params: idParam } }, async (request, reply) => {
      await records.ready();
      const slip = records.book.messages.get(request.params.id);
      if (!slip) throw new NotFoundError('params.id', `no message with id "${request.params.id}"`);
      const file = slip.audio?.file;
      if (!file || !/^[A-Za-z0-9-]{1,64}\.wav$/.test(file)) throw new NotFoundError('params.id', 'this message has no audio (a written slip)');
      const path = join(voiceDir, file);
      const size = await stat(path).then((s) => s.size, () => null);
      if (size === null) throw new NotFoundError('params.id', "this message's audio is gone (removed with its records)");
      return sendWav(reply, request.headers.range, path, size);
    });
  }
  api.post('/api/v1/messages/:id/delivered', { schema: { params: idParam } }, async (request) =>
    showMessage(request.viewer)(await records.markDelivered(request.params.id, viewerLabel(request.viewer))),
  );
}
