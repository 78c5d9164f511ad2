/** The receptionist's hands: the handset's hook switch (lift, put down) and the HOLD button (R2, R3, R4, R6). */
import { CallState } from '../../call-state.ts';
import type { ActiveCall, DeskState } from '../../desk-state.ts';
import { ringsAt } from '../../desk-timing.ts';
import type { Effect } from '../../effects.ts';
import type { CoreEvent } from '../../events.ts';
import { callbackConfirmed } from '../callback-offer.ts';
import { endHold, move } from '../calls.ts';
import { endConsult, join } from '../consult-leg.ts';
import type { Handler } from '../handler.ts';
import type { DeskSettings } from '../settings.ts';

function lift(s: DeskSettings, state: DeskState, call: ActiveCall, now: number, effects: Effect[]): DeskState {
  if (call.state === CallState.Ringing) {
    const rings = ringsAt(s.rules, call.startedAt, now);
    effects.push({ type: 'sip', command: 'answer', callId: call.callId });
    return { ...state, call: { ...move(call, CallState.Answering), pickedUpAt: now, ringsAtPickup: rings, late: rings > s.rules.ringBudget } };
  }
  if (call.state === CallState.Greeting) {
    // R3: the receptionist takes over from the greeting; the caller waited past the budget (R2: apologise).
    // R6: the same for a queued LINE 2 caller, whose wait on hold audio ends here.
    effects.push({ type: 'sip', command: 'resume', callId: call.callId });
    const ringsAtPickup = ringsAt(s.rules, call.startedAt, now);
    // R9: a voice message being recorded ends here (the line drops it): the receptionist talks to the caller.
    return { ...state, call: { ...move(call, CallState.Talking), holds: endHold(call, now), pickedUpAt: now, ringsAtPickup, late: true, voiceMessage: null } };
  }
  if (call.state === CallState.AutoAnswering) {
    return { ...state, call: { ...call, pickedUpAt: now, ringsAtPickup: ringsAt(s.rules, call.startedAt, now), late: true } };
  }
  if (call.state === CallState.Held) {
    // The handset was down during the hold (e.g. after a transfer that failed): lifting it takes the caller back.
    effects.push({ type: 'sip', command: 'resume', callId: call.callId });
    return { ...state, call: { ...move(call, CallState.Talking), holds: endHold(call, now), voiceMessage: null } };
  }
  return state;
}

function putDown(state: DeskState, call: ActiveCall, now: number, effects: Effect[]): DeskState {
  // R13, attended consult: the receptionist announced the caller to the colleague; putting the handset down joins them.
  if (call.state === CallState.Consulting && call.consult?.announce === 'receptionist') return join(state, call, effects);
  // Putting the handset down while a transfer goes on is what a receptionist does: the transfer carries on.
  if (![CallState.Answering, CallState.Talking, CallState.Held, CallState.Dialing].includes(call.state)) return state;
  effects.push({ type: 'sip', command: 'hangup', callId: call.callId });
  return { ...state, call: { ...move(call, CallState.Ending), holds: endHold(call, now) } };
}

export const hook: Handler<Extract<CoreEvent, { type: 'hook' }>> = (s, state, event, { now }, effects) => {
  const call = state.call;
  const next = { ...state, hook: event.state };
  // R4: a caller who chose a call-back is hearing the goodbye; the unit hangs up.
  if (!call || event.state === state.hook || callbackConfirmed(call)) return next;
  return event.state === 'off' ? lift(s, next, call, now, effects) : putDown(next, call, now, effects);
};

/** R4: HOLD puts the caller on hold audio (check-ins count from here); HOLD again reconnects the handset. */
export const button: Handler<Extract<CoreEvent, { type: 'button' }>> = (s, state, _event, at, effects) => {
  const { now } = at;
  const call = state.call;
  if (!call || callbackConfirmed(call)) return state;
  // R13: HOLD during a consult takes the caller back at once; the consult call ends.
  if (call.state === CallState.Consulting && !call.consult?.joining) {
    return endConsult(s, state, 'cancelled', 'the desk took the caller back', at, effects, { endLeg: true, takeBack: true });
  }
  if (call.state === CallState.Talking) {
    effects.push({ type: 'sip', command: 'hold', callId: call.callId });
    return { ...state, call: { ...move(call, CallState.Held), holds: [...call.holds, { startedAt: now, endedAt: null }], checkIns: 0 } };
  }
  if (call.state === CallState.Held) {
    effects.push({ type: 'sip', command: 'resume', callId: call.callId });
    return { ...state, call: { ...move(call, CallState.Talking), holds: endHold(call, now), voiceMessage: null } };
  }
  return state;
};
