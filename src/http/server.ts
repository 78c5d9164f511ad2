/**
 * The LAN API. Routes are thin: they call the running unit (src/app) and nothing else.
 * Config keys: http.host, http.port.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { DeskUnit } from '../app/desk-unit.ts';
import type { Logger } from '../ports/logger.ts';
import { errorHandler } from './error-map.ts';
import { callRoutes } from './routes/calls.ts';
import { simRoutes } from './routes/sim.ts';
import { statusRoutes } from './routes/status.ts';

export interface HttpOptions {
  unit: DeskUnit;
  unitId: string;
  logger: Logger;
}

export function buildHttp({ unit, unitId, logger }: HttpOptions): FastifyInstance {
  const app = Fastify({
    // The app's logger is pino, which is what fastify expects here.
    loggerInstance: logger.child({ module: 'http' }) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'E_NOT_FOUND', message: `no route ${request.method} ${request.url}` } });
  });
  statusRoutes(app, unit, unitId);
  callRoutes(app, unit);
  simRoutes(app, unit);
  return app;
}
