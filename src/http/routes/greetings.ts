/**
 * Greetings from the page (issue 20 item 5): `reception` makes a draft (a WAV uploaded as the request body, or a
 * text spoken by espeak-ng), hears it, and sets the band it serves (a time band, `holiday` or `lunch`); the change
 * is audited and undone like any desk change (GET /api/v1/desk/changes). `it` and the installer may list and hear
 * the greetings. Audio goes out as WAV (8 kHz mono, what callers hear).
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeskGreetings } from '../../app/greetings/desk-greetings.ts';
import type { StoredFile } from '../../app/greetings/greeting-store.ts';
import { voiceSchema } from '../../config/greetings-schema.ts';
import { BadInputError } from '../../core/errors.ts';
import { viewerLabel } from '../auth/viewer.ts';
import { idParam, text } from './schemas.ts';

/** An upload up to this size (a minute of 48 kHz stereo WAV is about 11 MB). */
const UPLOAD_LIMIT = 16 * 1024 * 1024;
const WAV_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'];

const slotParam = z.object({ slot: z.string().min(1).max(40) }).strict();
const setBody = z.object({ draftId: z.string().min(1).max(100).describe('from POST /api/v1/greetings/drafts') }).strict();
const textDraft = z.object({ text: text(500).describe('spoken by espeak-ng'), voice: voiceSchema.optional() }).strict();

function sendWav(reply: FastifyReply, file: StoredFile): FastifyReply {
  return reply.header('content-type', 'audio/wav').header('cache-control', 'no-store').send(createReadStream(file.path));
}

export function greetingRoutes(app: FastifyInstance, greetings: DeskGreetings): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // A WAV upload arrives as the body itself; the JSON body (a text to speak) keeps the global 64 KB limit.
  app.addContentTypeParser(WAV_TYPES, { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT }, (_request, body, done) => done(null, body));
  api.get('/api/v1/greetings', async () => greetings.list());
  api.get('/api/v1/greetings/:slot/audio', { schema: { params: slotParam } }, async (request, reply) => sendWav(reply, await greetings.serving(request.params.slot)));
  api.post('/api/v1/greetings/drafts', { bodyLimit: UPLOAD_LIMIT }, async (request, reply) => {
    const body = request.body;
    if (Buffer.isBuffer(body)) return reply.status(201).send(await greetings.draftFromUpload(body));
    const parsed = textDraft.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadInputError(issue?.path.length ? `body.${issue.path.join('.')}` : 'body', issue?.message ?? 'send a WAV file (content-type audio/wav) or {"text"}');
    }
    return reply.status(201).send(await greetings.draftFromText(parsed.data.text, parsed.data.voice));
  });
  api.get('/api/v1/greetings/drafts/:id/audio', { schema: { params: idParam } }, async (request, reply) => sendWav(reply, await greetings.draft(request.params.id)));
  api.put('/api/v1/greetings/:slot', { schema: { params: slotParam, body: setBody } }, async (request) => ({
    change: await greetings.set(request.params.slot, request.body.draftId, viewerLabel(request.viewer)),
    ...(await greetings.list()),
  }));
}
