/**
 * The board's pin map, hardware/<revision>.json: the single source of pins for the firmware and the unit.
 * Reads: config key `panel.revision`. Validated with zod; every problem names its field.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LIGHT_NAMES, type LightName } from '../core/lights.ts';
import { ConfigError } from '../core/errors.ts';

/** hardware/ at the top of the project. */
export const HARDWARE_DIR = fileURLToPath(new URL('../../hardware/', import.meta.url));

/** Digital pins 0 and 1 are the UART the host talks over; an ATmega328P board has pins up to A5 = 19. */
const MAX_PIN = 19;
const pin = z
  .number()
  .int()
  .min(2, 'pins 0 and 1 are the serial link')
  .max(MAX_PIN, `must be at most ${MAX_PIN} (A5)`);
const level = z.union([z.literal(0), z.literal(1)]);

const lightsSchema = z
  .object(Object.fromEntries(LIGHT_NAMES.map((n) => [n, pin])) as Record<LightName, typeof pin>)
  .strict();

export const pinMapSchema = z
  .object({
    revision: z.string().min(1),
    board: z.string().optional(),
    mcu: z.string().optional(),
    fCpu: z.number().int().positive().optional(),
    baud: z.number().int().positive(),
    lights: lightsSchema,
    lightActiveLevel: level,
    ringer: z.object({ pin, activeLevel: level }).strict(),
    hook: z.object({ pin, pullup: z.boolean(), offHookLevel: level }).strict(),
    holdButton: z.object({ pin, pullup: z.boolean(), pressedLevel: level }).strict(),
    /** R13, optional: a TRANSFER button (see sip.transfer.panelTarget). */
    transferButton: z.object({ pin, pullup: z.boolean(), pressedLevel: level }).strict().optional(),
  })
  .strict()
  .superRefine((map, ctx) => {
    const seen = new Map<number, string>();
    const claim = (p: number, path: (string | number)[]) => {
      const owner = seen.get(p);
      if (owner) ctx.addIssue({ code: 'custom', path, message: `pin ${p} is already used by ${owner}` });
      else seen.set(p, path.join('.'));
    };
    for (const name of LIGHT_NAMES) claim(map.lights[name], ['lights', name]);
    claim(map.ringer.pin, ['ringer', 'pin']);
    claim(map.hook.pin, ['hook', 'pin']);
    claim(map.holdButton.pin, ['holdButton', 'pin']);
    if (map.transferButton) claim(map.transferButton.pin, ['transferButton', 'pin']);
  });

export type PinMap = z.infer<typeof pinMapSchema>;

/** Validate a parsed pin map; `source` (a file name) prefixes every issue. */
export function parsePinMap(input: unknown, source: string): PinMap {
  const result = pinMapSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`),
    );
  }
  return result.data;
}

/** The revisions present in `dir`, sorted. */
export function knownRevisions(dir: string = HARDWARE_DIR): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

/** Load hardware/<revision>.json. An unknown revision is a ConfigError naming `panel.revision`. */
export function loadPinMap(revision: string, dir: string = HARDWARE_DIR): PinMap {
  const known = knownRevisions(dir);
  if (!/^[A-Za-z0-9._-]+$/.test(revision) || !known.includes(revision)) {
    throw new ConfigError([
      `panel.revision: unknown revision "${revision}"; known revisions: ${known.length ? known.join(', ') : '(none found)'}`,
    ]);
  }
  const file = join(dir, `${revision}.json`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${file}: cannot read or parse (${(err as Error).message})`]);
  }
  const map = parsePinMap(json, `${revision}.json`);
  if (map.revision !== revision)
    throw new ConfigError([`${revision}.json: revision: says "${map.revision}", expected "${revision}"`]);
  return map;
}
