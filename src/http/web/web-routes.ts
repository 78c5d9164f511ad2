/**
 * Serves the web page (issue 9) at `/` on both listeners, from the built bundle in memory: index.html is
 * revalidated on every load (`no-cache`), the hashed assets are cached for a year (`immutable`); text goes
 * gzipped to browsers that accept it. `GET /` and `GET /assets/:file` are public on the LAN listener: the page
 * signs in with a token itself, the API stays gated. Without a built bundle `/` answers 404 saying how to build it. Config keys read: none.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import Negotiator from 'negotiator';
import { z } from 'zod';
import { NotFoundError } from '../../core/api-errors.ts';
import { loadWebBundle, withGzip, type WebAsset, type WebBundle } from './web-bundle.ts';

const assetParams = z.object({ file: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be an asset file name') }).strict();

/** Whether the client takes gzip (negotiator reads Accept-Encoding as HTTP says: gzip or `*` with a q above 0). */
export function acceptsGzip(header: string | undefined): boolean {
  return new Negotiator({ headers: header === undefined ? {} : { 'accept-encoding': header } }).encodings(['gzip']).length > 0;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: WebAsset, cache: string, headers: Record<string, string> = {}): FastifyReply {
  void reply.headers(headers).type(asset.contentType).header('cache-control', cache).header('x-content-type-options', 'nosniff');
  if (!asset.gzipped) return reply.send(asset.body);
  void reply.header('vary', 'accept-encoding');
  if (!acceptsGzip(request.headers['accept-encoding'])) return reply.send(asset.body);
  return reply.header('content-encoding', 'gzip').send(asset.gzipped);
}

/** index.html with `prefill` inside the #app element. */
function withPrefill(index: WebAsset, prefill: string | undefined): WebAsset {
  if (prefill === undefined) return index;
  return withGzip({ contentType: index.contentType, body: Buffer.from(index.body.toString('utf8').replace('<div id="app"></div>', () => `<div id="app">${prefill}</div>`)) });
}

/**
 * `bundle`: the built page; when not given, read from dist/web on the first request that finds it there (a unit
 * started before the page was built serves it once it is). `prefill`: HTML put inside the page's #app element,
 * shown before the script runs and without it (the refused-config page lists its problems there, so curl and a
 * browser without JavaScript see them too). `unbuilt`: the page served while there is no bundle, instead of a 404.
 */
export function webRoutes(app: FastifyInstance, bundle?: WebBundle | null, prefill?: string, unbuilt?: string): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  let found = bundle ?? null;
  const current = () => (found ??= bundle === undefined ? loadWebBundle() : null);
  let index: WebAsset | null = null;
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const built = current();
    if (!built && unbuilt !== undefined) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(unbuilt);
    if (!built) throw new NotFoundError('path', 'the web page is not built: run `npm run build:web` (npm start, npm test and npm run build do it)');
    index ??= withPrefill(built.index, prefill);
    // uPlot sizes its canvas with inline styles; audio the page fetched with its token plays from a blob: URL
    // (greetings, voice messages: issue 20); everything else comes from the unit itself.
    return send(request, reply, index, 'no-cache', { 'content-security-policy': "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'" });
  };
  api.get('/', { schema: { hide: true } }, page);
  // A pairing link opens the page at /pair; the page reads the code from the link's fragment (issue 18).
  api.get('/pair', { schema: { hide: true } }, page);
  api.get('/assets/:file', { schema: { params: assetParams, hide: true } }, async (request, reply) => {
    const asset = current()?.assets.get(request.params.file);
    if (!asset) throw new NotFoundError('params.file', `no asset ${request.params.file}`);
    return send(request, reply, asset, 'public, max-age=31536000, immutable');
  });
}
