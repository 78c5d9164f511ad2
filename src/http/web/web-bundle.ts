/**
 * The web page's built bundle (issue 9): index.html and the hashed assets esbuild wrote (scripts/build-web.mjs),
 * read once into memory, text assets also gzipped once (the page loads quickly over a slow LAN link). The bundle
 * lives in dist/web/ beside the compiled server, three folders above this file both in src/ (tsx) and in dist/
 * (the production build). Nothing is fetched from outside the unit.
 * Config keys read: none.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface WebAsset {
  body: Buffer;
  contentType: string;
  /** The body gzipped once at load, for browsers that accept it; absent when it would not save much. */
  gzipped?: Buffer;
}

/** Text worth compressing (the page, its script and style; not the source maps): above 1 KB, at least a fifth smaller. */
export function withGzip(asset: WebAsset): WebAsset {
  if (asset.body.length < 1024 || !/^(text\/|image\/svg)/.test(asset.contentType)) return asset;
  const gzipped = gzipSync(asset.body, { level: 9 });
  return gzipped.length < asset.body.length * 0.8 ? { ...asset, gzipped } : asset;
}

export interface WebBundle {
  index: WebAsset;
  /** By file name (the name carries a content hash, so these never change). */
  assets: ReadonlyMap<string, WebAsset>;
}

/** The bundle in `dir`, or null when it was not built (the routes then say how to build it). */
export function loadWebBundle(dir: string = DEFAULT_WEB_DIR): WebBundle | null {
  let names: string[];
  try {
    names = readdirSync(join(dir, 'assets'));
    statSync(join(dir, 'index.html'));
  } catch {
    return null;
  }
  const assets = new Map<string, WebAsset>();
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) assets.set(name, withGzip({ body: readFileSync(join(dir, 'assets', name)), contentType }));
  }
  return { index: withGzip({ body: readFileSync(join(dir, 'index.html')), contentType: CONTENT_TYPES['.html'] as string }), assets };
}
