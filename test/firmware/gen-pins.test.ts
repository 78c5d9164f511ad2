// The firmware's pin-map generator: the real pin map builds; a broken one is refused with every field named.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = 'firmware/tools/gen-pins.mjs';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskphone-gen-pins-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function generate(map: unknown): Promise<{ ok: boolean; stderr: string }> {
  const file = join(dir, 'map.json');
  await writeFile(file, JSON.stringify(map));
  try {
    await run('node', [SCRIPT, file, join(dir, 'out')]);
    return { ok: true, stderr: '' };
  } catch (err) {
    return { ok: false, stderr: (err as { stderr: string }).stderr };
  }
}

describe('gen-pins', () => {
  it('maps the nano-r1 pins to ATmega328P ports and bits', async () => {
    const map = JSON.parse(await readFile('hardware/nano-r1.json', 'utf8'));
    expect(await generate(map)).toEqual({ ok: true, stderr: '' });
    const header = await readFile(join(dir, 'out', 'pin-map.h'), 'utf8');
    expect(header).toContain('#define DESK_LIGHT_READY 2 /* PD2 */');
    expect(header).toContain('#define DESK_LIGHT_HOLD 8 /* PB0 */');
    expect(header).toContain('#define DESK_RINGER_PIN 13 /* PB5 */');
    expect(header).toContain('#define DESK_HOOK_PIN 14 /* PC0 */');
    expect(header).toContain('#define DESK_LIGHT_COUNT 11');
    const mk = await readFile(join(dir, 'out', 'config.mk'), 'utf8');
    expect(mk).toContain('MCU := atmega328p');
    expect(mk).toContain('F_CPU := 16000000');
  });

  it('refuses a broken pin map and names every bad field', async () => {
    const map = JSON.parse(await readFile('hardware/nano-r1.json', 'utf8'));
    map.lights.SYNC = 1; // the serial line
    map.lights.LINE2 = 3; // already RING1
    map.ringer.activeLevel = 2;
    map.hook.pin = 'A0';
    delete map.lights.READY;
    const result = await generate(map);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('lights.SYNC: pin 1 is the USB serial line');
    expect(result.stderr).toContain('lights.LINE2: pin 3 is already used by lights.RING1');
    expect(result.stderr).toContain('ringer.activeLevel: must be 0 or 1, got 2');
    expect(result.stderr).toContain('hook.pin: must be an Arduino pin number 2-19, got "A0"');
    expect(result.stderr).toContain('lights.READY: missing');
  });

  it('refuses a file that is not JSON, naming the file', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, '{ "revision": ');
    await expect(run('node', [SCRIPT, file, join(dir, 'out2')])).rejects.toMatchObject({
      stderr: expect.stringContaining('cannot read it as JSON'),
    });
  });
});
