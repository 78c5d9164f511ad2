/**
 * R9 voice messages (issue 20 item 3): a caller the unit answered out of hours hears the greeting and a tone, then
 * leaves a message; the SIP line records it (src/adapters/sip/line/message-tap.ts) and says so. While they speak
 * the caller is not waiting for anyone (no check-ins, no call-back offer: desk-timing `waitingSince`); a message
 * kept makes the record's outcome `message` (records.ts). Lifting the handset still takes the caller (handset.ts).
 */
import { CallState } from '../../call-state.ts';
import type { DeskState, WaitingCall } from '../../desk-state.ts';
import type { CoreEvent } from '../../events.ts';
import type { Handler } from '../handler.ts';

/** R4/R9: a caller queued on LINE 2 (R6) who pressed 3 at the call-back offer: their message for the desk. */
function queuedCaller(state: DeskState, callId: string): WaitingCall | undefined {
  return state.waiting.find((w) => w.callId === callId && !w.rejected && w.queuedAt !== null);
}

function withQueued(state: DeskState, w: WaitingCall, change: Partial<WaitingCall>): DeskState {
  return { ...state, waiting: state.waiting.map((x) => (x === w ? { ...w, ...change } : x)) };
}

export const messageRecording: Handler<Extract<CoreEvent, { type: 'message.recording' }>> = (_s, state, event) => {
  const queued = queuedCaller(state, event.callId);
  // No check-ins or offers while they speak (desk-timing queuedSince); not offered to the desk meanwhile (calls.ts).
  if (queued) return withQueued(state, queued, { voiceMessage: 'recording', callbackOffer: null });
  const call = state.call;
  // Out of hours after the greeting (GREETING), or for a colleague who declined a transfer (back on hold, HELD).
  if (!call || call.callId !== event.callId || (call.state !== CallState.Greeting && call.state !== CallState.Held)) return state;
  return { ...state, call: { ...call, voiceMessage: 'recording', callbackOffer: null } };
};

export const messageFailed: Handler<Extract<CoreEvent, { type: 'message.failed' }>> = (_s, state, event) => {
  const call = state.call;
  if (!call || call.callId !== event.callId || call.voiceMessage !== 'offered') return state;
  return { ...state, call: { ...call, voiceMessage: null } };
};

export const messageLeft: Handler<Extract<CoreEvent, { type: 'message.left' }>> = (_s, state, event) => {
  const queued = queuedCaller(state, event.callId);
  if (queued) return queued.voiceMessage === 'recording' ? withQueued(state, queued, { voiceMessage: 'left' }) : state;
  const call = state.call;
  if (!call || call.callId !== event.callId || call.voiceMessage !== 'recording') return state;
  return { ...state, call: { ...call, voiceMessage: 'left' } };
};
