/**
 * Signing a browser in once per desk (issue 18), public on the LAN listener (no token yet):
 * - `POST /api/v1/pair {"code"}`: a pairing code from `deskphone token add --pair` (the link's fragment) is
 *   exchanged, once, for the browser's own token (the role of the `token add`). A wrong, used or expired code
 *   is refused naming why, and counts as a failed sign-in: repeated failures from one address are slowed down
 *   like a wrong bearer token (the same throttle).
 * - `GET /api/v1/certificate` (its SHA-256 fingerprint, names and expiry) and `GET /api/v1/certificate.pem` (the
 *   certificate itself, public part only): what the sign-in page offers so a desk PC can trust the unit's
 *   self-signed certificate. The same reader as `deskphone cert export`.
 * Config keys read: dataDir, http.lan.certFile (through the certificate source).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PublicCertificate } from '../../adapters/tls/certificate.ts';
import { PairingExpiredError, PairingUnknownError, PairingUsedError, type PairingDesk } from '../../app/pairing/pairing-codes.ts';
import { NotFoundError } from '../../core/api-errors.ts';
import type { Logger } from '../../ports/logger.ts';
import type { FailureThrottle } from '../auth/failure-throttle.ts';

const pairBody = z.object({ code: z.string().min(1).max(200).describe('the code after # in the pairing link') }).strict();

export interface PairingRouteOptions {
  desk: PairingDesk;
  /** The LAN listener's failed sign-in throttle (none on the local listener). */
  throttle?: FailureThrottle;
  sleep?: (ms: number) => Promise<void>;
  logger: Logger;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function pairingRoutes(app: FastifyInstance, options: PairingRouteOptions): void {
  const log = options.logger.child({ module: 'pairing' });
  const sleep = options.sleep ?? defaultSleep;
  app.withTypeProvider<ZodTypeProvider>().post('/api/v1/pair', { schema: { body: pairBody, security: [] } }, async (request, reply) => {
    const address = request.socket.remoteAddress ?? 'unknown';
    try {
      const paired = await options.desk.redeem(request.body.code);
      options.throttle?.succeed(address);
      log.info({ address, name: paired.name, role: paired.role }, 'a browser paired: its device token is made');
      // The token is in this answer only: never kept (no Idempotency-Key replay store for anonymous requests).
      return reply.header('cache-control', 'no-store').status(201).send(paired);
    } catch (err) {
      if (!(err instanceof PairingUnknownError || err instanceof PairingUsedError || err instanceof PairingExpiredError)) throw err;
      const held = options.throttle?.fail(address);
      log.warn({ address, failures: held?.failures, delayMs: held?.delayMs, code: err.code }, 'pairing refused');
      if (held && held.delayMs > 0) await sleep(held.delayMs);
      throw err;
    }
  });
}

export function certificateRoutes(app: FastifyInstance, read: () => Promise<PublicCertificate | null>): void {
  const found = async () => {
    const cert = await read();
    if (!cert) throw new NotFoundError('certificate', 'this listener has no certificate file yet: it is made at the first start of the LAN listener');
    return cert;
  };
  app.get('/api/v1/certificate', { schema: { security: [] } }, async () => {
    const { fingerprint, names, validTo } = await found();
    return { fingerprint, names, validTo };
  });
  app.get('/api/v1/certificate.pem', { schema: { security: [] } }, async (_request, reply) => {
    const { pem } = await found();
    return reply.type('application/x-pem-file').header('content-disposition', 'attachment; filename="deskphone-lan.pem"').send(pem);
  });
}
