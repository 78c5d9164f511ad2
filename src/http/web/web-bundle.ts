/**
 * The web page's built bundle (issue 9): index.html and the hashed assets esbuild wrote (scripts/build-web.mjs),
 * read once into memory. The bundle lives in dist/web/ beside the compiled server, three folders above this file
 * both in src/ (tsx) and in dist/ (the production build). Nothing is fetched from outside the unit.
 * Config keys read: none.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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
    if (contentType) assets.set(name, { body: readFileSync(join(dir, 'assets', name)), contentType });
  }
  return { index: { body: readFileSync(join(dir, 'index.html')), contentType: CONTENT_TYPES['.html'] as string }, assets };
}
