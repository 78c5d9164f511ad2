/**
 * What the panel should show for a desk state at a given time: a pure function, so the reducer only has
 * to compare its result with what the panel was last told. Every threshold cites its rule.
 */
import { CallState } from './call-state.ts';
import type { ActiveCall, DeskState, WaitingCall } from './desk-state.ts';
import { allLights, type Lights, type LightState } from './lights.ts';
import type { DeskRules } from './rules.ts';

/** R1: the ring in progress, counting from 1 at the incoming-call event. */
export function ringsAt(rules: DeskRules, startedAt: number, now: number): number {
  return Math.floor(Math.max(0, now - startedAt) / rules.ringCycleMs) + 1;
}

export function holdMs(call: ActiveCall, now: number): number {
  return call.holds.reduce((sum, h) => sum + ((h.endedAt ?? now) - h.startedAt), 0);
}

function currentHold(call: ActiveCall) {
  const last = call.holds[call.holds.length - 1];
  return last && last.endedAt === null ? last : null;
}

/**
 * R4: since when the caller has been waiting without the receptionist: the hold in progress, or the
 * auto-greeting's answer (they hear the greeting, then hold audio). Null when they are not waiting.
 */
export function waitingSince(call: ActiveCall): number | null {
  if (call.state === CallState.Greeting) return call.answeredAt;
  if (call.state !== CallState.Held && call.state !== CallState.Transferring) return null;
  return currentHold(call)?.startedAt ?? null;
}

/** R3: when the unit answers a ringing call itself, or null (not ringing, tried already, or switched off). */
export function autoAnswerAt(s: { rules: DeskRules; autoAnswerAfterRings?: number }, call: ActiveCall): number | null {
  const after = s.autoAnswerAfterRings ?? 0;
  if (call.state !== CallState.Ringing || call.autoTried || after <= 0) return null;
  return call.startedAt + (s.rules.ringBudget + after - 1) * s.rules.ringCycleMs;
}

function readyLight(state: DeskState): LightState {
  if (state.panelFault || state.journalFault) return 'fast';
  return state.sipUp ? 'on' : 'blink';
}

/** The lights for `state` at `now`. */
export function lightsAt(rules: DeskRules, state: DeskState, now: number): Lights {
  const lights = allLights('off');
  lights.READY = readyLight(state);
  if (state.waiting.some((w) => !w.rejected)) lights.LINE2 = 'blink';
  // R10: call-backs waiting; blinking once one is overdue by more than an hour.
  if (state.callbacksDue > 0) lights.CALLBACK = state.callbackOverdue ? 'blink' : 'on';
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
  if (call.answeredAt !== null && [CallState.Talking, CallState.Held, CallState.Transferring].includes(call.state)) {
    const length = now - call.answeredAt;
    if (length >= rules.lengthLimitMs) lights.LENGTH = 'fast';
    else if (length >= rules.lengthWarnMs) lights.LENGTH = 'on';
  }
  return lights;
}

/** The desk's ringer sounds for the call: it rings, or (R6) it is a queued caller offered to the desk. */
function ringsOnDesk(call: ActiveCall): boolean {
  return call.state === CallState.Ringing || (call.queued && call.state === CallState.Greeting);
}

/** R6: a call ringing on LINE 2 while the desk is busy rings softly: a short chirp per ring cycle. */
export const SOFT_RING_MS = 150;

/** R6: the LINE 2 calls that still ring (not answered with "please hold", not turned away). */
function softRinging(state: DeskState): WaitingCall[] {
  return state.waiting.filter((w) => !w.rejected && w.queuedAt === null);
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

/** R6: when the unit answers a LINE 2 call with "please hold" (after the ring budget), or null if it cannot. */
export function queueAt(rules: DeskRules, state: DeskState, w: WaitingCall): number | null {
  // The same SIP account cannot answer a second call without putting the first on (silent) SIP hold.
  if (w.rejected || w.queueTried || w.queuedAt !== null || state.call?.line === w.line) return null;
  return w.startedAt + rules.ringBudget * rules.ringCycleMs;
}

/**
 * The next time after `now` at which the lights or the ringer may change with no event, or null.
 * The app sets one timer for it and sends a `tick`.
 */
export function nextWakeAt(rules: DeskRules, state: DeskState, now: number): number | null {
  const times: number[] = [];
  if (state.syncBacklogSince !== null)
    times.push(state.syncBacklogSince + rules.syncWarnMs, state.syncBacklogSince + rules.syncAlarmMs);
  for (const w of softRinging(state)) {
    const cycleStart = w.startedAt + Math.floor(Math.max(0, now - w.startedAt) / rules.ringCycleMs) * rules.ringCycleMs;
    times.push(cycleStart + Math.min(SOFT_RING_MS, rules.ringOnMs), cycleStart + rules.ringCycleMs);
    const queue = queueAt(rules, state, w);
    if (queue !== null) times.push(queue);
  }
  const call = state.call;
  if (!call) return earliestAfter(times, now);
  if (ringsOnDesk(call)) {
    const elapsed = Math.max(0, now - call.startedAt);
    const cycleStart = call.startedAt + Math.floor(elapsed / rules.ringCycleMs) * rules.ringCycleMs;
    times.push(cycleStart + rules.ringOnMs, cycleStart + rules.ringCycleMs);
  }
  if (call.late && call.pickedUpAt !== null) times.push(call.pickedUpAt + rules.apologiseMs);
  const since = waitingSince(call);
  if (since !== null) {
    // R4: the next check-in (every holdCheckInMs), and the limit.
    const next = (Math.floor((now - since) / rules.holdCheckInMs) + 1) * rules.holdCheckInMs;
    times.push(since + next, since + rules.holdLimitMs);
  }
  if (call.answeredAt !== null) times.push(call.answeredAt + rules.lengthWarnMs, call.answeredAt + rules.lengthLimitMs);
  return earliestAfter(times, now);
}

function earliestAfter(times: number[], now: number): number | null {
  const future = times.filter((t) => t > now);
  return future.length ? Math.min(...future) : null;
}
