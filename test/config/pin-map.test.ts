import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPinMap, parsePinMap, knownRevisions } from '../../src/config/pin-map.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { LIGHT_NAMES } from '../../src/core/lights.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

function nano(): Record<string, unknown> {
  return structuredClone(loadPinMap('nano-r1')) as unknown as Record<string, unknown>;
}

describe('pin map', () => {
  it('loads nano-r1 with every light on a distinct pin', () => {
    const map = loadPinMap('nano-r1');
    expect(Object.keys(map.lights).sort()).toEqual([...LIGHT_NAMES].sort());
    expect(map.lights.READY).toBe(2);
    expect(map.hook).toEqual({ pin: 14, pullup: true, offHookLevel: 0 });
    expect(knownRevisions()).toContain('nano-r1');
  });

  it('names a missing light', () => {
    const map = nano();
    delete (map.lights as Record<string, number>).HOLD;
    expect(issuesOf(() => parsePinMap(map, 'x.json'))).toEqual([expect.stringMatching(/^x\.json: lights\.HOLD: /)]);
  });

  it('names a pin used twice, and its first owner', () => {
    const map = nano();
    (map.lights as Record<string, number>).SYNC = 14;
    expect(issuesOf(() => parsePinMap(map, 'x.json'))).toEqual(['x.json: hook.pin: pin 14 is already used by lights.SYNC']);
  });

  it('refuses the serial pins and pins past A5', () => {
    const map = nano();
    (map.lights as Record<string, number>).READY = 1;
    (map.ringer as Record<string, number>).pin = 20;
    const issues = issuesOf(() => parsePinMap(map, 'x.json'));
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatch(/lights\.READY: pins 0 and 1 are the serial link/);
    expect(issues[1]).toMatch(/ringer\.pin: must be at most 19/);
  });

  it('names panel.revision and lists the known revisions for an unknown one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinmap-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'a-r1.json'), JSON.stringify({ ...nano(), revision: 'a-r1' }));
    writeFileSync(join(dir, 'b-r2.json'), JSON.stringify({ ...nano(), revision: 'b-r2' }));
    expect(issuesOf(() => loadPinMap('nano-r9', dir))).toEqual([
      'panel.revision: unknown revision "nano-r9"; known revisions: a-r1, b-r2',
    ]);
    expect(issuesOf(() => loadPinMap('../etc/passwd', dir))[0]).toMatch(/^panel\.revision: unknown revision/);
    expect(loadPinMap('b-r2', dir).revision).toBe('b-r2');
  });

  it('reports a file that is not JSON by its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinmap-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    expect(issuesOf(() => loadPinMap('bad', dir))[0]).toMatch(/bad\.json: cannot read or parse/);
  });
});
