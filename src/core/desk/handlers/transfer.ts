/**
 * R13: the receptionist transfers the caller. `consult` (the default): the unit calls the colleague on a leg of its
 * own and joins them (handlers/consult.ts, bridge.ts); `refer`: a blind REFER, and a failed transfer brings the
 * caller back to the desk on hold.
 */
import { CallState } from '../../call-state.ts';
import type { CoreEvent } from '../../events.ts';
import { move } from '../calls.ts';
import { startConsult, transferSettings } from '../consult-leg.ts';
import { canTransfer } from '../guards.ts';
import type { Handler } from '../handler.ts';

export const transferRequested: Handler<Extract<CoreEvent, { type: 'transfer.requested' }>> = (s, state, event, { now }, effects) => {
  const call = state.call;
  if (!call || call.callId !== event.callId || !canTransfer(state)) return state;
  const settings = transferSettings(s);
  if (settings.method === 'consult') {
    const legRecordId = event.legRecordId ?? `${call.recordId}-consult-${now}`;
    return startConsult(s, state, call, { target: event.target, announce: event.announce ?? settings.announce, legRecordId }, now, effects);
  }
  effects.push({ type: 'transfer', callId: call.callId, target: event.target });
  // The caller waits (announcement, then hold audio) while the stack transfers: a hold, as far as R4 goes.
  const holds = call.state === CallState.Held ? call.holds : [...call.holds, { startedAt: now, endedAt: null }];
  return { ...state, call: { ...move(call, CallState.Transferring), holds, transfer: { target: event.target, result: 'pending' } } };
};

export const transferFailed: Handler<Extract<CoreEvent, { type: 'transfer.failed' }>> = (_s, state, event, _at, effects) => {
  const call = state.call;
  if (!call || call.callId !== event.callId || call.state !== CallState.Transferring || !call.transfer) return state;
  // R13: back at the desk on hold with HOLD lit; the hold button or lifting the handset takes the caller back.
  effects.push({ type: 'sip', command: 'hold', callId: call.callId });
  return { ...state, call: { ...move(call, CallState.Held), transfer: { ...call.transfer, result: 'failed', reason: 'refused', detail: event.reason }, checkIns: 0 } };
};
