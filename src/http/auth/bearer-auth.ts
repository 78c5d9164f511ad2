/**
 * The LAN listener's gate (issue 8): every request needs `Authorization: Bearer <token>` except the public
 * routes (GET /healthz). No valid token: 401 (repeated failures from one address are slowed down and logged,
 * with the address and the count, never the token). A role without the route's permission: 403.
 * Config keys read: http.lan.authFreeFailures, http.lan.authMaxDelayMs (through the throttle).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyToken } from '../../app/records/tokens.ts';
import { ForbiddenError, UnauthorizedError } from '../../core/api-errors.ts';
import type { Logger } from '../../ports/logger.ts';
import type { TokenStore } from '../../ports/token-store.ts';
import type { FailureThrottle } from './failure-throttle.ts';
import type { OpenStreams, StreamEnd } from './open-streams.ts';
import { checkLocalHost } from './local-host.ts';
import { permissionFor } from './permissions.ts';
import { localViewer, viewerMay } from './viewer.ts';

export interface BearerAuthOptions {
  tokens: TokenStore;
  /** Where live event streams are held, to be closed when their token is revoked. */
  streams?: OpenStreams;
  throttle: FailureThrottle;
  logger: Logger;
  /** How the answer to a failed attempt is held back; tests pass one that records the delays. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,200})$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/**
 * Permission check for both listeners, in onRequest (before the body is read or validated, so a role without
 * the right gets 403 whatever it sent). A route absent from the table is closed to LAN clients; unknown paths
 * fall through to 404.
 */
function enforcePermission(request: FastifyRequest): void {
  if (request.viewer.kind === 'local' || request.is404) return;
  const permission = permissionFor(request.method, request.routeOptions.url);
  if (permission === null || !viewerMay(request.viewer, permission)) {
    const who = request.viewer.kind === 'token' ? `role ${request.viewer.role}` : 'this client';
    throw new ForbiddenError(`${who} may not ${request.method} ${request.routeOptions.url ?? request.url}`);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** A long answer (live events) registers how to end it if the request's token is revoked; returns the release. */
    holdOpen(close: (why: StreamEnd) => void): () => void;
    /** Ends the live streams of the request's token now (signing out), saying why. */
    endStreams(why: StreamEnd): void;
  }
}

const nothingToRelease = () => () => undefined;
const noStreams = () => undefined;
const STORE_ERROR_EVERY_MS = 60_000;

export function localAccess(app: FastifyInstance): void {
  app.decorateRequest('viewer', null as never);
  app.decorateRequest('holdOpen', nothingToRelease);
  app.decorateRequest('endStreams', noStreams);
  app.addHook('onRequest', async (request) => {
    request.viewer = { kind: 'anonymous' };
    checkLocalHost(request);
    request.viewer = localViewer(request);
  });
}

export function bearerAuth(app: FastifyInstance, options: BearerAuthOptions): void {
  const sleep = options.sleep ?? defaultSleep;
  const log = options.logger.child({ module: 'auth' });
  let storeErrorLoggedAt = -Infinity;
  app.decorateRequest('viewer', null as never);
  app.decorateRequest('holdOpen', nothingToRelease);
  app.decorateRequest('endStreams', noStreams);
  app.addHook('onRequest', async (request, reply) => {
    request.viewer = { kind: 'anonymous' };
    if (permissionFor(request.method, request.routeOptions.url) === 'public') return;
    const address = request.socket.remoteAddress ?? 'unknown';
    const token = bearerOf(request);
    let owner: Awaited<ReturnType<typeof verifyToken>> = null;
    try {
      owner = token === null ? null : await verifyToken(options.tokens, token);
    } catch (err) {
      // A token store that cannot be read lets nobody in (every token revoked), and says why (once a minute at most).
      const now = performance.now();
      if (now - storeErrorLoggedAt >= STORE_ERROR_EVERY_MS) {
        storeErrorLoggedAt = now;
        log.error({ err }, 'the token store cannot be read: every token is refused until it can (deskphone token list shows the problem)');
      }
    }
    if (owner && token !== null) {
      options.throttle.succeed(address);
      request.viewer = { kind: 'token', name: owner.name, role: owner.role };
      const streams = options.streams;
      const who = `${owner.role}:${owner.name}`;
      if (streams) {
        request.holdOpen = (close) => streams.hold(token, who, close);
        request.endStreams = (why) => streams.end(token, why);
      }
      enforcePermission(request);
      return;
    }
    const { failures, delayMs } = options.throttle.fail(address);
    if (delayMs > 0) {
      log.warn({ address, failures, delayMs, presented: token !== null }, 'repeated failed token checks from one address; answers slowed down');
      await sleep(delayMs);
    } else {
      log.info({ address, failures, presented: token !== null }, 'request without a valid token refused');
    }
    void reply.header('www-authenticate', 'Bearer realm="deskphone"');
    throw new UnauthorizedError();
  });
}
