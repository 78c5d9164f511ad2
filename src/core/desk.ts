/**
 * The desk reducer: `(state, event, now, wall) -> (state, effects)`. Pure: no I/O, no timers, no Date.now().
 * It enforces SPEC R1 (ring budget), R2 (apologise when late), R4 (hold check-in and limit) and R5 (call
 * length) on the panel, turns the handset and hold button into SIP commands, and emits one record per call.
 *
 * Where things are: one handler per event type (desk/handlers/, dispatched from a table), the rules that act
 * because time passed (desk/timed-rules.ts), the timing rules both use (desk-timing.ts), the records a call
 * leaves (desk/records.ts), and what the panel shows (panel-view.ts).
 *
 * Time: `now` is monotonic (every duration and timer comes from it, so a wall-clock step changes none);
 * `wall` is the wall clock at the same instant and only stamps records.
 */
import type { DeskState } from './desk-state.ts';
import type { Effect } from './effects.ts';
import type { CoreEvent } from './events.ts';
import type { Handler } from './desk/handler.ts';
import { handlers } from './desk/handlers/index.ts';
import type { DeskSettings } from './desk/settings.ts';
import { autoAnswer, checkIn, checkInQueued, consultTimeout, queueWaiting } from './desk/timed-rules.ts';
import { LIGHT_NAMES } from './lights.ts';
import { lightsAt, ringerAt } from './panel-view.ts';

export type { DeskSettings } from './desk/settings.ts';
export { canCancelTransfer, canConnect, canDial, canTransfer } from './desk/guards.ts';

export interface Reduction {
  state: DeskState;
  effects: Effect[];
}

/**
 * Reduce one event at monotonic `now` (wall clock `wall` at the same instant, for stamps only; tests that do not
 * care pass one number for both). The effects include every light and ringer change it causes.
 */
export function reduce(s: DeskSettings, state: DeskState, event: CoreEvent, now: number, wall: number = now): Reduction {
  const effects: Effect[] = [];
  const handle = handlers[event.type] as Handler;
  const handled = handle(s, state, event, { now, wall }, effects);
  const timed = consultTimeout(s, autoAnswer(s, handled, now, effects), { now, wall }, effects);
  const next = queueWaiting(s, checkInQueued(s, checkIn(s, timed, now, effects), now, effects), now, effects);
  const lights = lightsAt(s.rules, next, now);
  for (const name of LIGHT_NAMES) {
    if (lights[name] !== state.lights[name]) effects.push({ type: 'light', name, state: lights[name] });
  }
  const ringer = ringerAt(s.rules, next, now);
  if (ringer !== state.ringer) effects.push({ type: 'ringer', on: ringer });
  return { state: { ...next, lights, ringer }, effects };
}
