/**
 * `GET /api/v1/config`: the settings in force, secrets hidden (the installer's and IT's view).
 * `PUT /api/v1/config`: the installer writes the whole config document (src/app/config-writer.ts): 400 naming
 * every problem by field, else 200 with the keys applied live and `restartRequired` naming the others.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConfigWriter } from '../../app/config-writer.ts';
import { redactConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { viewerLabel } from '../auth/viewer.ts';

/** The document is checked whole by the config schema in the use case, so that every problem is named at once. */
const configDocument = z.object({}).passthrough().describe('the whole config document, as GET /api/v1/config shows it; secrets left "***" keep their values');

export function configRoutes(app: FastifyInstance, config: Config, writer?: ConfigWriter): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/config', async () => redactConfig(writer?.current() ?? config));
  if (writer) api.put('/api/v1/config', { schema: { body: configDocument } }, async (request) => writer.write(request.body, viewerLabel(request.viewer)));
}
