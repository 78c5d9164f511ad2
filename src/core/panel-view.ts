/**
 * What the panel should show for a desk state at a given time: a pure function, so the reducer only has
 * to compare its result with what the panel was last told. Every threshold cites its rule; the timing rules
 * themselves (rings, waits, when the unit acts) are in desk-timing.ts.
 */
import { CallState } from './call-state.ts';
import type { DeskState } from './desk-state.ts';
import { ringsAt, ringsOnDesk, SOFT_RING_MS, softRinging, waitingSince } from './desk-timing.ts';
import { allLights, type Lights, type LightState } from './lights.ts';
import type { DeskRules } from './rules.ts';

function readyLight(state: DeskState): LightState {
  if (state.panelFault || state.journalFault) return 'fast';
  return state.sipUp ? 'on' : 'blink';
}

/** A ringing desk call, or an unanswered LINE 2 caller, that caller.known said is owed something. */
function owedCallerRinging(state: DeskState): boolean {
  const owed = state.owedCallers;
  if (!owed || owed.length === 0) return false;
  const call = state.call;
  if (call && call.state === CallState.Ringing && owed.includes(call.callId)) return true;
  return state.waiting.some((w) => !w.rejected && w.queuedAt === null && owed.includes(w.callId));
}

/** The lights for `state` at `now`. */
export function lightsAt(rules: DeskRules, state: DeskState, now: number): Lights {
  const lights = allLights('off');
  lights.READY = readyLight(state);
  if (state.waiting.some((w) => !w.rejected)) lights.LINE2 = 'blink';
  // R10: call-backs waiting; blinking once one is overdue by more than an hour.
  if (state.callbacksDue > 0) lights.CALLBACK = state.callbackOverdue ? 'blink' : 'on';
  // R8/R10: a caller the unit still owes a call-back or a message is ringing (or waiting on LINE 2): blink, or
  // blink fast when the light already blinks for an overdue call-back, so the ring is still told apart.
  if (owedCallerRinging(state)) lights.CALLBACK = lights.CALLBACK === 'blink' ? 'fast' : 'blink';
  // SPEC panel: SYNC on past syncWarnMs of backlog age, blinking past syncAlarmMs.
  if (state.syncBacklogSince !== null) {
    const age = now - state.syncBacklogSince;
    if (age >= rules.syncAlarmMs) lights.SYNC = 'blink';
    else if (age >= rules.syncWarnMs) lights.SYNC = 'on';
  }
  const call = state.call;
  if (!call) return lights;

  // R6: a queued LINE 2 caller offered to the desk: the full ring bar says "pick up".
  if (call.queued && call.state === CallState.Greeting) lights.RING1 = lights.RING2 = lights.RING3 = 'on';
  if (call.state === CallState.Ringing) {
    const rings = ringsAt(rules, call.startedAt, now);
    lights.RING1 = 'on';
    if (rings >= 2) lights.RING2 = 'on';
    if (rings >= 3) lights.RING3 = 'on';
    // R1: ANSWER NOW blinks during the last ring of the budget, fast once the budget is passed.
    if (rings === rules.ringBudget) lights.ANSWER_NOW = 'blink';
    else if (rings > rules.ringBudget) lights.ANSWER_NOW = 'fast';
  }

  // R2: apologise after a late pick-up, for a while.
  if (call.late && call.pickedUpAt !== null && now < call.pickedUpAt + rules.apologiseMs) lights.APOLOGISE = 'on';

  // R4: hold check-in and limit, per hold (and for a caller waiting after the auto-greeting).
  const since = waitingSince(call);
  if (since !== null) {
    const held = now - since;
    lights.HOLD = held >= rules.holdLimitMs ? 'fast' : held >= rules.holdCheckInMs ? 'blink' : 'on';
  }
  // R3: an auto-answered caller still needs the receptionist.
  if (call.state === CallState.AutoAnswering || call.state === CallState.Greeting) lights.ANSWER_NOW = 'fast';

  // R5: call length from the answer; the unit warns but never hangs up.
  if (call.answeredAt !== null && [CallState.Talking, CallState.Held, CallState.Transferring, CallState.Consulting].includes(call.state)) {
    const length = now - call.answeredAt;
    if (length >= rules.lengthLimitMs) lights.LENGTH = 'fast';
    else if (length >= rules.lengthWarnMs) lights.LENGTH = 'on';
  }
  return lights;
}

/**
 * R1: the ringer sounds for the first `ringOnMs` of every ring cycle while the call rings; R6: a call ringing on
 * LINE 2 meanwhile chirps for SOFT_RING_MS of each of its cycles.
 */
export function ringerAt(rules: DeskRules, state: DeskState, now: number): boolean {
  const call = state.call;
  if (call && ringsOnDesk(call)) return Math.max(0, now - call.startedAt) % rules.ringCycleMs < rules.ringOnMs;
  const soft = Math.min(SOFT_RING_MS, rules.ringOnMs);
  return softRinging(state).some((w) => Math.max(0, now - w.startedAt) % rules.ringCycleMs < soft);
}
