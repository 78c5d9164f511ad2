/**
 * `Idempotency-Key` on POST (issue 18): the same key from the same viewer for the same route and body within 24 h
 * returns the first answer (with `Idempotent-Replayed: true`) and runs nothing again; concurrent duplicates wait
 * for the first. The key is scoped by who sent it (token name and role, or the local listener), so one viewer's
 * key never replays another's answer. A key reused for another body is 409 naming the header.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ConflictError } from '../../core/api-errors.ts';
import { BadInputError } from '../../core/errors.ts';
import { viewerLabel } from '../auth/viewer.ts';
import type { IdempotencyStore } from './idempotency-store.ts';

const KEY = /^[\x21-\x7e]{8,200}$/;

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyScope?: string;
  }
}

export function idempotency(app: FastifyInstance, store: IdempotencyStore): void {
  app.addHook('preHandler', async (request, reply) => {
    // An anonymous request reaches only public routes: its answer is never kept (pairing hands out a token).
    if (request.method !== 'POST' || request.viewer?.kind === 'anonymous') return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || !KEY.test(key)) throw new BadInputError('headers.idempotency-key', 'must be 8 to 200 visible ASCII characters (a UUID is fine)');
    const viewer = request.viewer ? viewerLabel(request.viewer) : 'local';
    const scope = `${viewer} ${request.method} ${request.routeOptions.url ?? ''} ${key}`;
    const fingerprint = createHash('sha256').update(`${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
    const begun = await store.begin(scope, fingerprint);
    if (begun.kind === 'mismatch') throw new ConflictError('headers.idempotency-key', 'this Idempotency-Key was used for another request: use a new key for a new action');
    if (begun.kind === 'replay') {
      return reply.code(begun.answer.status).header('content-type', begun.answer.contentType).header('idempotent-replayed', 'true').send(begun.answer.body);
    }
    request.idempotencyScope = scope;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const scope = request.idempotencyScope;
    if (!scope) return payload;
    request.idempotencyScope = undefined;
    if (typeof payload === 'string') {
      await store.finish(scope, { status: reply.statusCode, body: payload, contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8') });
    } else store.abandon(scope);
    return payload;
  });
  // A request that ended without an answer (the client went away) leaves nothing claimed.
  app.addHook('onResponse', async (request) => {
    if (request.idempotencyScope) store.abandon(request.idempotencyScope);
  });
}
