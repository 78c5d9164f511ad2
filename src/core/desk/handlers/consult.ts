/**
 * R13 consult transfer, from the line: the unit's call to the colleague is placed, rings, is answered, hears a key
 * (announced by the unit: 1 join, 2 take a message), or ends. Whatever the leg does, the caller stays on the line.
 */
import { CallState } from '../../call-state.ts';
import type { CoreEvent } from '../../events.ts';
import { consultFor, endConsult, join, orphanLeg, transferSettings, withLeg } from '../consult-leg.ts';
import type { Handler } from '../handler.ts';

export const consultPlaced: Handler<Extract<CoreEvent, { type: 'consult.placed' }>> = (_s, state, event, _at, effects) => {
  const found = consultFor(state, event.callId, event.legId);
  if (!found) return orphanLeg(state, event.callId, event.legId, effects);
  const { call, consult } = found;
  return { ...state, call: withLeg(call, consult, event.legId) };
};

export const consultRinging: Handler<Extract<CoreEvent, { type: 'consult.ringing' }>> = (_s, state, event, _at, effects) => {
  const found = consultFor(state, event.callId, event.legId);
  if (!found) return orphanLeg(state, event.callId, event.legId, effects);
  const { call, consult } = found;
  return { ...state, call: withLeg(call, consult, event.legId, { ringing: true, line: event.line ?? consult.line }) };
};

/**
 * The colleague answered. Attended: the handset talks to them (the line switches it) with no deadline; a handset
 * already down joins them at once (putting it down is how the receptionist says "connect"). Announced by the unit:
 * the whisper plays and the colleague has `timeoutMs` to press a key.
 */
export const consultAnswered: Handler<Extract<CoreEvent, { type: 'consult.answered' }>> = (s, state, event, { now }, effects) => {
  const found = consultFor(state, event.callId, event.legId);
  if (!found) return orphanLeg(state, event.callId, event.legId, effects);
  const { call, consult } = found;
  if (consult.answeredAt !== null) return state;
  const attended = consult.announce === 'receptionist';
  const deadline = attended ? null : now + transferSettings(s).timeoutMs;
  const answered = withLeg(call, consult, event.legId, { line: event.line ?? consult.line, answeredAt: now, deadline });
  const next = { ...state, call: answered };
  return attended && state.hook === 'on' ? join(next, answered, effects) : next;
};

/** Announced by the unit: 1 joins caller and colleague; 2 ends the leg ("please take a message"); others do nothing. */
export const consultDtmf: Handler<Extract<CoreEvent, { type: 'consult.dtmf' }>> = (s, state, event, at, effects) => {
  const found = consultFor(state, event.callId, event.legId);
  if (!found || found.consult.answeredAt === null || found.consult.joining) return state;
  if (event.digit === '1') return join(state, found.call, effects);
  if (event.digit === '2') return endConsult(s, state, 'declined', 'the colleague pressed 2: take a message', at, effects, { endLeg: true });
  return state;
};

export const consultEnded: Handler<Extract<CoreEvent, { type: 'consult.ended' }>> = (s, state, event, at, effects) => {
  if (!consultFor(state, event.callId, event.legId)) return state;
  return endConsult(s, state, event.reason, event.detail, at, effects, { endLeg: false });
};

/** The page's "connect": join once the colleague answered (attended; announced by the unit, without waiting for 1). */
export const transferConnect: Handler<Extract<CoreEvent, { type: 'transfer.connect' }>> = (_s, state, event, _at, effects) => {
  const call = state.call;
  if (!call || call.callId !== event.callId || call.state !== CallState.Consulting) return state;
  return join(state, call, effects);
};

/** The page's "cancel": the leg ends, the caller stays on hold at the desk (HOLD lit). */
export const transferCancel: Handler<Extract<CoreEvent, { type: 'transfer.cancel' }>> = (s, state, event, at, effects) => {
  const call = state.call;
  // Once "connect" was asked, the join is the line's to finish or fail (consult.ended): too late to cancel.
  if (!call || call.callId !== event.callId || call.consult?.joining) return state;
  return endConsult(s, state, 'cancelled', 'ended by the desk', at, effects, { endLeg: true });
};
