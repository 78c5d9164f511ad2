/**
 * The LED panel as the core sees it (SPEC "The LED panel").
 * Each light has one of four states; blinking is carried out by whoever drives the light
 * (the board firmware, or the simulated panel), so a light state is a pattern, not a level.
 */
export const LIGHT_NAMES = [
  'READY',
  'RING1',
  'RING2',
  'RING3',
  'ANSWER_NOW',
  'APOLOGISE',
  'HOLD',
  'LENGTH',
  'LINE2',
  'CALLBACK',
  'SYNC',
] as const;

export type LightName = (typeof LIGHT_NAMES)[number];

export const LIGHT_STATES = ['off', 'on', 'blink', 'fast'] as const;
export type LightState = (typeof LIGHT_STATES)[number];

export type Lights = Record<LightName, LightState>;

export function allLights(state: LightState): Lights {
  return Object.fromEntries(LIGHT_NAMES.map((n) => [n, state])) as Lights;
}

export function isLightName(value: unknown): value is LightName {
  return typeof value === 'string' && (LIGHT_NAMES as readonly string[]).includes(value);
}
