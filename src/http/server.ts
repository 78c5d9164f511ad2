/**
 * The API, on two listeners (issue 8): the local one (plain HTTP, 127.0.0.1:8080 by default, for the unit's
 * own tools: full data on loopback) and the LAN one (HTTPS, bearer tokens with roles). Both serve the same
 * routes; `lan` switches on TLS and the token gate. Routes are thin: they call src/app and nothing else.
 * Every route validates with one zod schema, which also feeds `GET /api/v1/openapi.json`.
 * Config keys: http.host, http.port, http.lan.* (through the composition root).
 */
import { join, resolve } from 'node:path';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { UnitMetrics } from '../adapters/metrics/prometheus.ts';
import type { DirectoryBook } from '../app/calls/directory-book.ts';
import type { ConfigWriter } from '../app/config-writer.ts';
import type { DeskUnit } from '../app/desk-unit.ts';
import type { LiveFeed } from '../app/records/live-feed.ts';
import type { RecordsService } from '../app/records/records-service.ts';
import type { ProvisioningStatusSource } from '../app/provisioning/provisioning-status.ts';
import type { SyncStatusSource } from '../app/sync/sync-status.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../ports/logger.ts';
import type { PublicCertificate } from '../adapters/tls/certificate.ts';
import type { PairingDesk } from '../app/pairing/pairing-codes.ts';
import { bearerAuth, localAccess, type BearerAuthOptions } from './auth/bearer-auth.ts';
import { errorHandler } from './error-map.ts';
import { idempotency as idempotencyKeys } from './idempotency/idempotency-hook.ts';
import type { IdempotencyStore } from './idempotency/idempotency-store.ts';
import { callControlRoutes } from './routes/call-control.ts';
import { callbackRoutes } from './routes/callbacks.ts';
import { contactRoutes } from './routes/contacts.ts';
import { callRoutes } from './routes/calls.ts';
import { configRoutes } from './routes/config.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { messageRoutes } from './routes/messages.ts';
import { certificateRoutes, pairingRoutes } from './routes/pairing.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { reportRoutes } from './routes/reports.ts';
import { sessionRoutes } from './routes/session.ts';
import { simRoutes } from './routes/sim.ts';
import { statusRoutes } from './routes/status.ts';
import type { ContactBook } from '../app/contacts/contact-book.ts';
import type { ReturningCallers } from '../app/contacts/returning-callers.ts';
import { webRoutes } from './web/web-routes.ts';
import type { DeskSettings } from '../app/desk/desk-settings.ts';
import { deskRoutes } from './routes/desk.ts';
import type { DeskGreetings } from '../app/greetings/desk-greetings.ts';
import { greetingRoutes } from './routes/greetings.ts';
import { recordingRoutes, type RecordingRoutesOptions } from './routes/recordings.ts';

export interface LanOptions {
  https: { cert: string; key: string };
  auth: BearerAuthOptions;
}

export interface HttpOptions {
  unit: DeskUnit;
  unitId: string;
  logger: Logger;
  /** Notes, messages, call-backs, reports, export: mounted when given. */
  records?: RecordsService;
  /** HTTPS with bearer tokens; without it, the local listener. */
  lan?: LanOptions;
  /** Live events (SSE), shared by both listeners. */
  feed?: LiveFeed;
  /** Prometheus metrics, shared by both listeners. */
  metrics?: UnitMetrics;
  /** The settings in force, shown with secrets hidden. */
  config?: Config;
  /** The upstream sync, for the status's `sync` section (empty without it). */
  sync?: SyncStatusSource;
  /** Fleet provisioning's latest outcome, for the status's `provisioning` section (null without it). */
  provisioning?: ProvisioningStatusSource;
  /** Writes the config (PUT /api/v1/config); without it the config is read-only. */
  configWriter?: ConfigWriter;
  /** Colleagues to call and transfer to (R13): call control is mounted when given. */
  directory?: DirectoryBook;
  /** POSTs with an Idempotency-Key answered once (issue 18); shared by both listeners. */
  idempotency?: IdempotencyStore;
  /** Signing a browser in by a pairing link, signing a paired browser out, and the certificate to trust (issue 18). */
  pairing?: { desk: PairingDesk; certificate: () => Promise<PublicCertificate | null> };
  /** The contact book and the returning caller's ring-time summary (issue 20): mounted when given. */
  contacts?: { book: ContactBook; callers: ReturningCallers };
  /** Today's mode, holidays, away colleagues and their audit (issue 20 item 5): mounted when given. */
  desk?: DeskSettings;
  /** Greetings made, heard and set from the page (issue 20 item 5): mounted when given. */
  greetings?: DeskGreetings;
  /** Call recordings (issue 20 item 4): listed and played by it (and reception when allowed). */
  recordings?: RecordingRoutesOptions;
}

export function buildHttp({ unit, unitId, logger, records, lan, feed, metrics, config, directory, sync, configWriter, provisioning, idempotency, pairing, contacts, desk, greetings, recordings }: HttpOptions): FastifyInstance {
  const app = Fastify({
    // The app's logger is pino, which is what fastify expects here.
    loggerInstance: logger.child({ module: 'http', listener: lan ? 'lan' : 'local' }) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // Live event streams never go idle: close them too when the unit stops.
    forceCloseConnections: true,
    ...(lan ? { https: lan.https } : {}),
  }) as unknown as FastifyInstance;
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'E_NOT_FOUND', message: `no route ${request.method} ${request.url}` } });
  });
  if (lan) bearerAuth(app, lan.auth);
  else localAccess(app);
  if (idempotency) idempotencyKeys(app, idempotency);
  void app.register(fastifySwagger, {
    openapi: { info: { title: 'deskphone LAN API', version: '1' }, components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }, security: [{ bearer: [] }] },
    transform: jsonSchemaTransform,
  });
  void app.register(async (scope) => {
    scope.setValidatorCompiler(validatorCompiler);
    healthRoutes(scope, unit, sync);
    statusRoutes(scope, unit, unitId, sync, provisioning, desk);
    callRoutes(scope, unit, records);
    simRoutes(scope, unit);
    if (directory) callControlRoutes(scope, unit, directory, desk);
    sessionRoutes(scope, unit, unitId, config, pairing?.desk);
    if (pairing) {
      pairingRoutes(scope, { desk: pairing.desk, logger, ...(lan ? { throttle: lan.auth.throttle, ...(lan.auth.sleep ? { sleep: lan.auth.sleep } : {}) } : {}) });
      certificateRoutes(scope, pairing.certificate);
    }
    webRoutes(scope);
    if (records) {
      messageRoutes(scope, records, config && join(resolve(config.dataDir), 'voice-messages'));
      callbackRoutes(scope, records, directory && { unit, directory });
      reportRoutes(scope, records.reportSource, () => records.ready());
    }
    if (contacts) contactRoutes(scope, contacts.book, contacts.callers);
    if (desk) deskRoutes(scope, desk);
    if (greetings) greetingRoutes(scope, greetings);
    if (recordings) recordingRoutes(scope, recordings);
    if (feed) eventRoutes(scope, feed);
    if (metrics) metricsRoutes(scope, metrics);
    if (config) configRoutes(scope, config, configWriter);
    scope.get('/api/v1/openapi.json', async () => app.swagger());
  });
  return app;
}
