/**
 * `GET /api/v1/config/fields`: which fields are secret, box-only or live (the installer's page).
 * `GET /api/v1/config`: the document as stored in the config file, secrets hidden, with its ETag (without a file
 * attached: the settings in force, no ETag). `PUT /api/v1/config`: the whole document, with `If-Match: <ETag>`
 * (src/app/config-writer.ts): 428 without it, 412 when the file changed since, 403 naming a box-only field, 400
 * naming every problem by field, else 200 with the new ETag, the keys applied live and `restartKeys`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConfigWriter } from '../../app/config-writer.ts';
import { LIVE_KEYS } from '../../app/live-config.ts';
import { CONFIG_SECRETS, redactConfig } from '../../config/load.ts';
import { boxOnlyPaths } from '../../config/marks.ts';
import { configSchema, type Config } from '../../config/schema.ts';
import { viewerLabel } from '../auth/viewer.ts';

/** The document is checked whole by the config schema in the use case, so that every problem is named at once. */
const configDocument = z.object({}).passthrough().describe('the whole config document, as GET /api/v1/config shows it; secrets left "***" keep their values while their destination is unchanged');
const putHeaders = z.object({ 'if-match': z.string().optional().describe('the ETag of the GET /api/v1/config the document was edited from (required: 428 without it, 412 when stale)') }).passthrough();

/**
 * What the installer's page needs to edit the document field by field (issue 18 item 10): which fields are secrets
 * (shown as set or not, never their value), which only the config file on the unit sets, and which top-level keys
 * apply live (the rest need a restart). Paths as dotted keys, `*` for any element of a list.
 */
const FIELDS = {
  // A URL with credentials is shown with them hidden, so it stays an ordinary field; whole-value secrets are not.
  secrets: CONFIG_SECRETS.filter((f) => f.mark.kind === 'value').map((f) => f.path.join('.')),
  boxOnly: boxOnlyPaths(configSchema).map((p) => p.join('.')),
  live: [...LIVE_KEYS],
};

export function configRoutes(app: FastifyInstance, config: Config, writer?: ConfigWriter): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/config/fields', async () => ({ ...FIELDS, writable: writer?.current() != null }));
  api.get('/api/v1/config', async (_request, reply) => {
    const stored = await writer?.read();
    if (!stored) return redactConfig(writer?.current() ?? config);
    void reply.header('etag', stored.etag).header('cache-control', 'no-store');
    return stored.doc;
  });
  if (writer) {
    api.put('/api/v1/config', { schema: { body: configDocument, headers: putHeaders } }, async (request, reply) => {
      const result = await writer.write(request.body, viewerLabel(request.viewer), request.headers['if-match']);
      void reply.header('etag', result.etag);
      return result;
    });
  }
}
