/**
 * The config loader never crashes: random JSON documents, random bytes in a file, and a valid config with one
 * value swapped for random JSON either load or are refused with a ConfigError whose every issue names a field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/core/errors.ts';

const VALID = {
  version: 2,
  unitId: 'desk-1',
  dataDir: '/var/lib/deskphone',
  rules: { ringBudget: 3, ringCycleMs: 3000, ringOnMs: 1000, holdCheckInMs: 20000, holdLimitMs: 60000 },
  sip: { listenAddress: '0.0.0.0', listenPort: 5060, user: 'reception', registrar: { host: 'pbx', username: 'u', password: 'p' } },
  panel: { kind: 'board', port: '/dev/deskphone-panel', revision: 'nano-r1' },
  http: { host: '127.0.0.1', port: 8080 },
  log: { level: 'info' },
};

/** Every path to a leaf of the valid config. */
function leaves(obj: unknown, path: string[] = []): string[][] {
  if (typeof obj !== 'object' || obj === null) return [path];
  return Object.entries(obj).flatMap(([k, v]) => leaves(v, [...path, k]));
}

function withValue(path: string[], value: unknown): unknown {
  const doc = structuredClone(VALID) as Record<string, unknown>;
  let at = doc;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[path[path.length - 1]!] = value;
  return doc;
}

/** Loads or throws a ConfigError listing issues of the form "field.path: message". */
function expectLoadsOrNamesFields(run: () => unknown) {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue).toMatch(/^(\(top level\)|[^:\s]+): \S/);
  }
}

describe('config loader fuzz', () => {
  it('random JSON documents', () => {
    fc.assert(fc.property(fc.jsonValue(), (doc) => expectLoadsOrNamesFields(() => parseConfig(doc))), { numRuns: 800 });
  });

  it('random objects with the config\'s own keys', () => {
    const keys = ['version', 'unitId', 'rules', 'sip', 'panel', 'http', 'log', 'dataDir', 'kind', 'port', 'revision', 'registrar', 'ringBudget', 'holdLimitMs', '__proto__', 'constructor'];
    const doc = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.dictionary(fc.constantFrom(...keys), tie('node'), { maxKeys: 6 })),
    })).node;
    fc.assert(fc.property(doc, (d) => expectLoadsOrNamesFields(() => parseConfig(d))), { numRuns: 800 });
  });

  it('a valid config with one value replaced by random JSON', () => {
    const paths = leaves(VALID);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
        let issues: string[] = [];
        try {
          parseConfig(withValue(path, value));
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          issues = (err as ConfigError).issues;
        }
        // When refused, the replaced field (or its section, for cross-field rules) is named.
        if (issues.length) expect(issues.some((i) => i.startsWith(path[0]!))).toBe(true);
      }),
      { numRuns: 800 },
    );
  });

  it('random bytes in the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskphone-fuzz-'));
    const file = join(dir, 'config.json');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        writeFileSync(file, bytes);
        await loadConfig(file).then(
          () => undefined,
          (err: unknown) => expect(err).toBeInstanceOf(ConfigError),
        );
      }),
      { numRuns: 300 },
    );
  });
});
