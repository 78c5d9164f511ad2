/** R13: the receptionist transfers the caller; a failed transfer brings them back to the desk on hold. */
import { CallState } from '../../call-state.ts';
import type { CoreEvent } from '../../events.ts';
import { move } from '../calls.ts';
import { canTransfer } from '../guards.ts';
import type { Handler } from '../handler.ts';

export const transferRequested: Handler<Extract<CoreEvent, { type: 'transfer.requested' }>> = (_s, state, event, { now }, effects) => {
  const call = state.call;
  if (!call || call.callId !== event.callId || !canTransfer(state)) return state;
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
  return { ...state, call: { ...move(call, CallState.Held), transfer: { ...call.transfer, result: 'failed' }, checkIns: 0 } };
};
