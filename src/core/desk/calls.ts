/** Moving the desk's calls between states: the guarded transition, ringing, holds, and ending the active call. */
import { CallState, transition } from '../call-state.ts';
import type { ActiveCall, DeskState, WaitingCall } from '../desk-state.ts';
import type { Effect } from '../effects.ts';
import { callbackConfirmed } from './callback-offer.ts';
import { closeRecord } from './records.ts';
import type { At, DeskSettings, EndReason } from './settings.ts';

/** The one guarded transition (it throws on an illegal move). */
export function move(call: ActiveCall, to: Exclude<CallState, CallState.Idle>): ActiveCall {
  return { ...call, state: transition(call.state, to) as ActiveCall['state'] };
}

/** The holds with the one in progress (if any) ended at `now`. */
export function endHold(call: ActiveCall, now: number): ActiveCall['holds'] {
  return call.holds.map((h) => (h.endedAt === null ? { ...h, endedAt: now } : h));
}

/** A call that starts ringing on the desk. */
export function ringing(c: WaitingCall): ActiveCall {
  const { callId, recordId, number, displayName, startedAt, line } = c;
  return {
    line,
    queued: false,
    callId,
    recordId,
    number,
    displayName,
    startedAt,
    direction: 'incoming',
    transfer: null,
    consult: null,
    state: CallState.Ringing,
    pickedUpAt: null,
    ringsAtPickup: null,
    answeredAt: null,
    late: false,
    holds: [],
    checkIns: 0,
    autoAnsweredAt: null,
    autoTried: false,
  };
}

/** Ends the active call with its record; a call waiting on LINE 2 then rings on the desk. */
export function endActive(s: DeskSettings, state: DeskState, reason: EndReason, at: At, effects: Effect[]): DeskState {
  const call = state.call;
  if (!call) return state;
  transition(call.state, CallState.Idle);
  effects.push({ type: 'record', record: closeRecord(s, call, reason, at) });
  if (reason === 'shutdown') return { ...state, call: null };
  return offerNextWaiting({ ...state, call: null });
}

/** The desk's line is free (`state.call` null): a call that rang on another line meanwhile now rings on the desk. */
export function offerNextWaiting(state: DeskState): DeskState {
  // Its rings are counted from its start. R4/R9: a queued caller who chose a call-back (the unit is saying goodbye)
  // or speaks a voice message waits for nobody: the unit ends their call; the next one is offered when it closes.
  const next = state.waiting.find((w) => !w.rejected && !callbackConfirmed(w) && !w.voiceMessage);
  if (state.call || !next) return state;
  const waiting = state.waiting.filter((w) => w !== next);
  transition(CallState.Idle, CallState.Ringing);
  if (next.queuedAt === null) return { ...state, call: ringing(next), waiting };
  // R6: a caller answered with "please hold" is offered to the desk (ring bar, ringer); lifting the handset
  // takes them. They waited on hold audio since the answer, past the ring budget. R4: the wait goes on from that
  // answer, so its check-ins and call-back offer go with them (no check-in or offer made twice).
  const offered: ActiveCall = {
    ...ringing(next),
    checkIns: next.checkIns ?? 0,
    callbackOffer: next.callbackOffer ?? null,
    state: CallState.Greeting,
    queued: true,
    answeredAt: next.queuedAt,
    autoAnsweredAt: next.queuedAt,
    autoTried: true,
    holds: [{ startedAt: next.queuedAt, endedAt: null }],
  };
  return { ...state, call: offered, waiting };
}
