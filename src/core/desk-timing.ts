/**
 * The desk's timing rules: when a ring starts (R1), since when a caller has been waiting (R4), when the unit
 * answers by itself (R3) or queues a LINE 2 caller (R6), and the next instant anything may change with no event.
 * The reducer decides with them; the panel view draws with them. Pure functions of the state and a time.
 */
import { CallState } from './call-state.ts';
import type { ActiveCall, DeskState, WaitingCall } from './desk-state.ts';
import type { DeskRules } from './rules.ts';

/** R1: the ring in progress, counting from 1 at the incoming-call event. */
export function ringsAt(rules: DeskRules, startedAt: number, now: number): number {
  return Math.floor(Math.max(0, now - startedAt) / rules.ringCycleMs) + 1;
}

/** R4: the total time the call has spent on hold up to `now`. */
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
  // R9: a caller leaving a voice message is not waiting for anyone: no check-ins, no call-back offer, no hold limit.
  if (call.voiceMessage) return null;
  if (call.state === CallState.Greeting) return call.answeredAt;
  if (call.state !== CallState.Held && call.state !== CallState.Transferring && call.state !== CallState.Consulting) return null;
  return currentHold(call)?.startedAt ?? null;
}

/**
 * R4/R6: since when a LINE 2 caller has been waiting on hold audio after the "please hold" answer (check-ins and the
 * call-back offer count from there, as for the desk's own waiting caller), or null: not answered yet, turned away, or
 * leaving a voice message.
 */
export function queuedSince(w: WaitingCall): number | null {
  if (w.rejected || w.voiceMessage) return null;
  return w.queuedAt;
}

/** R4: the next check-in after `now` of a wait that began at `since`, and its limit. */
function waitWakeUps(rules: DeskRules, since: number, now: number): number[] {
  const next = (Math.floor((now - since) / rules.holdCheckInMs) + 1) * rules.holdCheckInMs;
  return [since + next, since + rules.holdLimitMs];
}

/** R3: when the unit answers a ringing call itself, or null (not ringing, tried already, or switched off). */
export function autoAnswerAt(s: { rules: DeskRules; autoAnswerAfterRings?: number }, call: ActiveCall): number | null {
  const after = s.autoAnswerAfterRings ?? 0;
  if (call.state !== CallState.Ringing || call.autoTried || after <= 0) return null;
  return call.startedAt + (s.rules.ringBudget + after - 1) * s.rules.ringCycleMs;
}

/** R6: when the unit answers a LINE 2 call with "please hold" (after the ring budget), or null if it cannot. */
export function queueAt(rules: DeskRules, state: DeskState, w: WaitingCall): number | null {
  // The same SIP account cannot answer a second call without putting the first on (silent) SIP hold.
  if (w.rejected || w.queueTried || w.queuedAt !== null || state.call?.line === w.line) return null;
  return w.startedAt + rules.ringBudget * rules.ringCycleMs;
}

/** The desk's ringer sounds for the call: it rings, or (R6) it is a queued caller offered to the desk. */
export function ringsOnDesk(call: ActiveCall): boolean {
  return call.state === CallState.Ringing || (call.queued && call.state === CallState.Greeting);
}

/** R6: a call ringing on LINE 2 while the desk is busy rings softly: a short chirp per ring cycle. */
export const SOFT_RING_MS = 150;

/** R6: the LINE 2 calls that still ring (not answered with "please hold", not turned away). */
export function softRinging(state: DeskState): WaitingCall[] {
  return state.waiting.filter((w) => !w.rejected && w.queuedAt === null);
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
  for (const w of state.waiting) {
    const since = queuedSince(w);
    if (since !== null) times.push(...waitWakeUps(rules, since, now));
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
  // R4: the next check-in (every holdCheckInMs), and the limit.
  if (since !== null) times.push(...waitWakeUps(rules, since, now));
  if (call.answeredAt !== null) times.push(call.answeredAt + rules.lengthWarnMs, call.answeredAt + rules.lengthLimitMs);
  // R13: a consult leg not answered (or no key pressed) by its deadline is ended.
  if (call.consult?.deadline != null) times.push(call.consult.deadline);
  return earliestAfter(times, now);
}

function earliestAfter(times: number[], now: number): number | null {
  const future = times.filter((t) => t > now);
  return future.length ? Math.min(...future) : null;
}
