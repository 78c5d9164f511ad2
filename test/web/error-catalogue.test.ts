/**
 * Errors in the receptionist's words (issue 18): every error code the unit can answer with (each `E_…` code
 * written in src/, found by reading the sources, so a new code without words fails here) has a message in both
 * languages, and each message says what happened and what to do (a second clause after a colon).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/i18n/en.ts';
import { zh } from '../../web/i18n/zh.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Codes as the sources write them: `'E_SOMETHING'` (a string literal, as DeskphoneError subclasses and routes pass them). */
const CODES = [...new Set(sources(SRC).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(E_[A-Z][A-Z_]*)'/g)].map((m) => m[1] as string)))].sort();

describe('error messages', () => {
  it('finds the codes (the scan reads the sources)', () => {
    expect(CODES).toEqual(expect.arrayContaining(['E_BAD_INPUT', 'E_CONFLICT', 'E_SIP', 'E_JOURNAL', 'E_STALE_CONFIG']));
  });

  it.each([['zh', zh as Record<string, string>, '：'], ['en', en as Record<string, string>, ': ']] as const)('every code has words in %s: what happened, then what to do', (_lang, catalogue, colon) => {
    const missing = CODES.filter((code) => !(`error.${code}` in catalogue));
    expect(missing).toEqual([]);
    for (const code of [...CODES, 'NETWORK'].map((c) => (c === 'NETWORK' ? 'E_NETWORK' : c))) {
      const text = catalogue[`error.${code}`] as string;
      expect(text.includes(colon), `${code}: ${text}`).toBe(true);
      expect(text.split(colon)[1]?.trim().length, `${code}: ${text}`).toBeGreaterThan(3);
    }
  });
});
