/**
 * The local listener grants every permission to whoever reaches it, so it must be reachable only from the unit
 * itself: its address is loopback (the config refuses another, src/config/http-schema.ts), and each request must
 * name it in `Host` (localhost, 127.0.0.1 or [::1], with the listener's port). A web page elsewhere that has a
 * browser on the unit resolve its own name to 127.0.0.1 (DNS rebinding) sends its own name: 421. A request a
 * page from elsewhere makes a browser send straight to 127.0.0.1 carries that page's `Origin`: 403.
 */
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../core/api-errors.ts';
import { DeskphoneError } from '../../core/errors.ts';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A request whose Host does not name the local listener. */
export class MisdirectedError extends DeskphoneError {
  constructor(host: string) {
    super('E_MISDIRECTED', `Host ${JSON.stringify(host.slice(0, 100))} is not this listener: the local API answers only to localhost, 127.0.0.1 or [::1] with its port`);
  }
}

/** Whether `host` (a Host header) names a loopback address and, when known, the port the request came in on. */
export function isLocalHostHeader(host: string | undefined, localPort: number | undefined): boolean {
  if (host === undefined) return false;
  const match = /^(\[[^\]]*\]|[^:]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!match || !LOOPBACK_NAMES.has(match[1] as string)) return false;
  if (localPort === undefined) return true; // an injected request (tests) has no socket port
  return Number(match[2] ?? 80) === localPort;
}

/** Whether an Origin header is absent or names this listener (the unit's own page). */
export function isLocalOrigin(origin: string | undefined, localPort: number | undefined): boolean {
  if (origin === undefined) return true;
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return url.protocol === 'http:' && isLocalHostHeader(url.port ? url.host : `${url.hostname}:80`, localPort);
}

export function checkLocalHost(request: FastifyRequest): void {
  if (!isLocalHostHeader(request.headers.host, request.socket.localPort)) throw new MisdirectedError(request.headers.host ?? '');
  const origin = request.headers.origin;
  if (!isLocalOrigin(origin, request.socket.localPort)) {
    throw new ForbiddenError(`Origin ${JSON.stringify(String(origin).slice(0, 100))} is not this listener: pages from elsewhere may not use the local API`);
  }
}
