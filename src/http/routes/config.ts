/** `GET /api/v1/config`: the settings in force, secrets hidden (the installer's and IT's view; writing is not offered yet). */
import type { FastifyInstance } from 'fastify';
import { redactConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';

export function configRoutes(app: FastifyInstance, config: Config): void {
  app.get('/api/v1/config', async () => redactConfig(config));
}
