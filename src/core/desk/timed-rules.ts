/**
 * The rules that act with no event of their own, only because time passed: run after every event (a `tick`
 * included), each at most once for what it acts on.
 */
import { CallState } from '../call-state.ts';
import type { DeskState } from '../desk-state.ts';
import { autoAnswerAt, queueAt, queuedSince, waitingSince } from '../desk-timing.ts';
import type { Effect } from '../effects.ts';
import { offerableAtDesk, offerToWaiter, type Waiter } from './callback-offer.ts';
import { messageAtLimit } from './message-at-limit.ts';
import { move } from './calls.ts';
import { endConsult } from './consult-leg.ts';
import type { At, DeskSettings } from './settings.ts';

/**
 * R3: nobody picked up within the budget: the unit answers with the greeting `autoAnswerAfterRings` rings
 * later (once; a failed try rings on).
 */
export function autoAnswer(s: DeskSettings, state: DeskState, now: number, effects: Effect[]): DeskState {
  const call = state.call;
  const at = call ? autoAnswerAt(s, call) : null;
  if (!call || at === null || now < at) return state;
  effects.push({ type: 'sip', command: 'autoAnswer', callId: call.callId });
  return { ...state, call: { ...move(call, CallState.AutoAnswering), autoTried: true } };
}

/**
 * R4: one check-in of a caller waiting since `since` (the desk's call, or a LINE 2 caller on hold audio): every
 * holdCheckInMs they hear that they have not been forgotten; at the limit (and as configured) they are offered a
 * call-back instead (./callback-offer.ts) when `offer` allows it.
 */
function checkInWaiter<W extends Waiter>(s: DeskSettings, w: W, since: number, now: number, effects: Effect[], opts: { offer: boolean; withMessage: boolean }): W {
  const due = Math.floor((now - since) / s.rules.holdCheckInMs);
  const offered = opts.offer ? offerToWaiter(s, w, since, due, now, effects, opts.withMessage) : null;
  if (offered) return offered;
  if (due <= (w.checkIns ?? 0)) return w;
  effects.push({ type: 'announce', callId: w.callId, what: 'hold-thanks' });
  return { ...w, checkIns: due };
}

/** R4: the desk's own caller, held or waiting after an auto-answer (not while a transfer goes on). */
export function checkIn(s: DeskSettings, state: DeskState, now: number, effects: Effect[]): DeskState {
  const call = state.call;
  const since = call ? waitingSince(call) : null;
  // While a transfer goes on, the caller hears its announcement and hold audio, not check-ins.
  if (!call || since === null || call.state === CallState.Transferring || call.state === CallState.Consulting) return state;
  const next = checkInWaiter(s, call, since, now, effects, { offer: offerableAtDesk(s, call), withMessage: messageAtLimit(s, state) });
  return next === call ? state : { ...state, call: next };
}

/** R4/R6: the same check-ins and offer for each caller queued on LINE 2 with "please hold", counted from that answer. */
export function checkInQueued(s: DeskSettings, state: DeskState, now: number, effects: Effect[]): DeskState {
  let changed = false;
  const withMessage = messageAtLimit(s, state);
  const waiting = state.waiting.map((w) => {
    const since = queuedSince(w);
    if (since === null) return w;
    const next = checkInWaiter(s, w, since, now, effects, { offer: true, withMessage });
    changed ||= next !== w;
    return next;
  });
  return changed ? { ...state, waiting } : state;
}

/** R6: a call waiting on LINE 2 past the ring budget is answered with "please hold" (once). */
export function queueWaiting(s: DeskSettings, state: DeskState, now: number, effects: Effect[]): DeskState {
  let changed = false;
  const waiting = state.waiting.map((w) => {
    const at = queueAt(s.rules, state, w);
    if (at === null || now < at) return w;
    effects.push({ type: 'sip', command: 'queue', callId: w.callId });
    changed = true;
    return { ...w, queueTried: true };
  });
  return changed ? { ...state, waiting } : state;
}

/**
 * R13: a consult leg not answered within the transfer timeout (or, announced by the unit, answered but no key
 * pressed within it) is ended by the unit; the caller stays on hold at the desk.
 */
export function consultTimeout(s: DeskSettings, state: DeskState, at: At, effects: Effect[]): DeskState {
  const c = state.call?.consult;
  if (!c || c.deadline === null || at.now < c.deadline) return state;
  const detail = c.answeredAt === null ? 'not answered in time' : 'no key pressed in time';
  return endConsult(s, state, 'no-answer', detail, at, effects, { endLeg: true });
}
