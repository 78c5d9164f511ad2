/** A call arrives (R1, R6), and what happens when the stack could not answer it. */
import { CallState, transition } from '../../call-state.ts';
import type { WaitingCall } from '../../desk-state.ts';
import type { CoreEvent } from '../../events.ts';
import { move, ringing } from '../calls.ts';
import { canRingOn } from '../guards.ts';
import type { Handler } from '../handler.ts';

export const callIncoming: Handler<Extract<CoreEvent, { type: 'call.incoming' }>> = (s, state, event, { now }, effects) => {
  const call = state.call;
  const known = call?.callId === event.callId || state.waiting.some((w) => w.callId === event.callId);
  if (known) return state;
  const line = event.line ?? 1;
  const fresh: WaitingCall = {
    callId: event.callId, recordId: event.recordId, number: event.number, displayName: event.displayName, startedAt: now, line,
    rejected: false, queueTried: false, queuedAt: null,
  };
  // R6/R13: a call that finds no free line (every line account in use, counting bridges' lines, or its own line
  // held by a bridge) is turned away busy (486) and recorded `busy`.
  const free = canRingOn(s, state, line);
  if (call || !free) {
    // R6, first caller first: a further call waits on another line (LINE 2 lit; ringing softly; answered with
    // "please hold" after the ring budget) and is offered to the desk when the desk's call ends. On the desk
    // call's own line, baresip cannot answer either of two calls that both ring: a second call there while the
    // first still rings is turned away too (a PBX then hunts to a free line).
    const sameLineRinging = call !== null && call.line === line && (call.state === CallState.Ringing || call.state === CallState.Answering);
    const rejected = !free || sameLineRinging;
    if (rejected) effects.push({ type: 'sip', command: 'hangup', callId: event.callId });
    return { ...state, waiting: [...state.waiting, { ...fresh, rejected }] };
  }
  transition(CallState.Idle, CallState.Ringing);
  return { ...state, call: ringing(fresh) };
};

export const answerFailed: Handler<Extract<CoreEvent, { type: 'answer.failed' }>> = (_s, state, event) => {
  const call = state.call;
  // R6: a LINE 2 call the unit could not answer with "please hold" rings on (softly); it is not tried again.
  if (state.waiting.some((w) => w.callId === event.callId)) return state;
  if (!call || call.callId !== event.callId) return state;
  if (call.state !== CallState.Answering && call.state !== CallState.AutoAnswering) return state;
  // The caller is still ringing: light the ring bar and sound the ringer again; the next lift retries.
  return { ...state, call: { ...move(call, CallState.Ringing), pickedUpAt: null, ringsAtPickup: null, late: false } };
};
