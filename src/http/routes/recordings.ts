/**
 * Call recordings (issue 20 item 4): GET /api/v1/recordings lists the kept ones (call id, when the call started,
 * length); GET /api/v1/calls/:id/recording plays one (audio/wav, byte ranges; `?download=true` as an attachment).
 * Role `it` (and the unit's own listener); role `reception` only when the installer allows it
 * (recording.receptionMayPlay): every kept recording is of a call the receptionist took. Every playback or
 * download is a journal event `recording.played` (who, when, which call): once per request from the first byte,
 * so a player's later range requests do not count again.
 */
import { stat } from 'node:fs/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CallRecordings } from '../../app/recordings/call-recordings.ts';
import { ForbiddenError, NotFoundError } from '../../core/api-errors.ts';
import { viewerLabel } from '../auth/viewer.ts';
import { sendWav } from './messages.ts';
import { idParam } from './schemas.ts';

export interface RecordingRoutesOptions {
  recordings: Pick<CallRecordings, 'list' | 'pathOf' | 'played'>;
  receptionMayPlay: boolean;
}

const playQuery = z.object({ download: z.enum(['true', 'false']).optional() }).strict();

function mayPlay(request: FastifyRequest, receptionMayPlay: boolean): void {
  const v = request.viewer;
  if (v.kind === 'token' && v.role === 'reception' && !receptionMayPlay) {
    throw new ForbiddenError('call recordings are for the it role (the installer has not opened them to reception: recording.receptionMayPlay)');
  }
}

export function recordingRoutes(app: FastifyInstance, opts: RecordingRoutesOptions): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/recordings', async (request) => {
    mayPlay(request, opts.receptionMayPlay);
    return { recordings: await opts.recordings.list() };
  });
  api.get('/api/v1/calls/:id/recording', { schema: { params: idParam, querystring: playQuery } }, async (request, reply) => {
    mayPlay(request, opts.receptionMayPlay);
    const { id } = request.params;
    const path = opts.recordings.pathOf(id);
    const size = path ? await stat(path).then((s) => s.size, () => null) : null;
    if (!path || size === null) throw new NotFoundError('params.id', `no recording of call "${id}" (not recorded, or removed with its records)`);
    const download = request.query.download === 'true';
    const range = request.headers.range;
    const fromStart = range === undefined || /^bytes=0-/.test(range.trim());
    if (fromStart) await opts.recordings.played(id, viewerLabel(request.viewer), download ? 'download' : 'play');
    if (download) reply.header('content-disposition', `attachment; filename="call-${id}.wav"`);
    return sendWav(reply, range, path, size);
  });
}
