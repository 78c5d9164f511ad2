/**
 * `deskphone token add --pair` (issue 18): prints a one-time pairing link to the unit's LAN listener with the code
 * in its fragment, and the same link as a QR code in the terminal (decoded back here by jsQR, a reader that
 * shares nothing with the library that drew it); the code is stored only as its hash and redeems once for a
 * browser token of the role given; no token is printed. Bad names, roles and hosts are refused by field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsqr from 'jsqr';
import { afterAll, describe, expect, it } from 'vitest';
import { pairingStoreIn } from '../../src/adapters/state/pairing-store.ts';
import { tokenStoreIn } from '../../src/adapters/state/token-store.ts';
import { redeemPairing } from '../../src/app/pairing/pairing-codes.ts';
import { listTokens, verifyToken } from '../../src/app/records/tokens.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { cli } from './run-cli.ts';

// jsQR is CommonJS: under NodeNext its default export is the module object, whose `default` is the function.
const jsQR = jsqr.default;
const dir = mkdtempSync(join(tmpdir(), 'deskphone-pair-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dataDir = join(dir, 'data');
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ unitId: 'desk-1', dataDir, http: { lan: { port: 9443 } } }));

/**
 * The terminal QR code as an image: each character is two modules stacked (upper and lower half block), drawn in
 * the foreground colour. Black foreground draws dark modules; the bottom quiet-zone row is drawn in white
 * foreground (light modules), so the colour codes are followed, not dropped. Scaled up and given a quiet zone so
 * a camera-grade reader can take it.
 */
function decodeTerminalQr(text: string): string | null {
  const modules: boolean[][] = [];
  for (const line of text.split('\n')) {
    const upper: boolean[] = [];
    const lower: boolean[] = [];
    let lightInk = false;
    // eslint-disable-next-line no-control-regex
    for (const [, sgr, ch] of line.matchAll(/\x1b\[([0-9;]*)m|(.)/gu)) {
      if (sgr !== undefined) lightInk = sgr === '37' ? true : sgr === '30' ? false : lightInk;
      else {
        upper.push(!lightInk && (ch === '█' || ch === '▀'));
        lower.push(!lightInk && (ch === '█' || ch === '▄'));
      }
    }
    if (/[█▀▄]/.test(line)) modules.push(upper, lower);
  }
  const scale = 6;
  const quiet = 4;
  const width = (Math.max(...modules.map((r) => r.length)) + 2 * quiet) * scale;
  const height = (modules.length + 2 * quiet) * scale;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + quiet) * scale + dy) * width + (x + quiet) * scale + dx) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
    }),
  );
  return jsQR(rgba, width, height)?.data ?? null;
}

describe('deskphone token add --pair', () => {
  it('prints a pairing link and its QR code (no token); the code is kept hashed and signs one browser in with the role', async () => {
    const r = await cli(['token', 'add', '--config', config, '--role', 'reception', '--name', 'front-pc', '--pair', '--host', 'desk-1.local']);
    expect(r.code).toBe(EXIT.ok);
    const link = /https:\/\/desk-1\.local:9443\/pair#([A-Za-z0-9_-]{22})/.exec(r.text);
    expect(link, r.text).not.toBeNull();
    expect(decodeTerminalQr(r.text)).toBe(link?.[0]);
    expect(r.text).not.toMatch(/dpt_/);
    expect(r.text).toMatch(/reception/);
    const code = link?.[1] as string;
    expect(readFileSync(join(dataDir, 'state', 'pairings.json'), 'utf8')).not.toContain(code);
    const paired = await redeemPairing(tokenStoreIn(dataDir), pairingStoreIn(dataDir), code, new Date());
    expect(await verifyToken(tokenStoreIn(dataDir), paired.token)).toEqual({ name: 'front-pc', role: 'reception', device: true });
    const list = await cli(['token', 'list', '--config', config]);
    expect(list.text).toMatch(/front-pc\treception\t.*paired browser/);
    expect((await listTokens(tokenStoreIn(dataDir))).find((t) => t.name === 'front-pc')?.device).toBe(true);
  });

  it('refuses a taken name, an unknown role and a host that is no host name, naming the field', async () => {
    const taken = await cli(['token', 'add', '--config', config, '--role', 'it', '--name', 'front-pc', '--pair']);
    expect(taken.code).not.toBe(EXIT.ok);
    expect(taken.errText).toMatch(/name/);
    const role = await cli(['token', 'add', '--config', config, '--role', 'boss', '--name', 'boss-pc', '--pair']);
    expect(role.errText).toMatch(/role/);
    const host = await cli(['token', 'add', '--config', config, '--role', 'it', '--name', 'it-pc', '--pair', '--host', 'desk/1?x']);
    expect(host.errText).toMatch(/host/);
  });

  it('a second link for a name whose first is still open is refused; the default host is this machine\'s .local name', async () => {
    const first = await cli(['token', 'add', '--config', config, '--role', 'wallboard', '--name', 'hall-screen', '--pair']);
    expect(first.text).toMatch(/https:\/\/[^/\s]+\.local:9443\/pair#/);
    const again = await cli(['token', 'add', '--config', config, '--role', 'wallboard', '--name', 'hall-screen', '--pair']);
    expect(again.code).not.toBe(EXIT.ok);
    expect(again.errText).toMatch(/still open/);
  });
});
