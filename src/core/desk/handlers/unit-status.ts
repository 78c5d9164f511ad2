/** Events about the unit rather than a call: SIP up or down, faults, the sync backlog, call-backs due, ticks. */
import type { Handler } from '../handler.ts';

export const sipUp: Handler<{ type: 'sip.up'; voiceMessages?: boolean }> = (_s, state, event) => {
  // R9: whether the line can record a voice message now (a restarted baresip says it again).
  const { voiceMessagesAvailable: _was, ...rest } = state;
  return { ...rest, sipUp: true, ...(event.voiceMessages ? { voiceMessagesAvailable: true } : {}) };
};

/** Registration lost or the control link down: READY blinks, but calls the stack still has go on. */
export const sipDown: Handler<{ type: 'sip.down'; reason: string }> = (_s, state) => ({ ...state, sipUp: false });

export const panelFault: Handler<{ type: 'panel.fault'; fault: boolean }> = (_s, state, event) => ({ ...state, panelFault: event.fault });

export const journalFault: Handler<{ type: 'journal.fault'; fault: boolean }> = (_s, state, event) => ({ ...state, journalFault: event.fault });

export const syncBacklog: Handler<{ type: 'sync.backlog'; oldestUnsentAt: number | null }> = (_s, state, event) => ({
  ...state,
  syncBacklogSince: event.oldestUnsentAt,
});

/** R10: call-backs due, and whether one is overdue by more than an hour. */
export const callbacks: Handler<{ type: 'callbacks'; due: number; overdue: boolean }> = (_s, state, event) => ({
  ...state,
  callbacksDue: event.due,
  callbackOverdue: event.due > 0 && event.overdue,
});

/**
 * R8/R10: the app found an open call-back or message for a ringing (or LINE 2 waiting) caller. Only calls still
 * on the desk are kept, so the list never outgrows the lines.
 */
export const callerKnown: Handler<{ type: 'caller.known'; callId: string; open: boolean }> = (_s, state, event) => {
  const present = (id: string) => state.call?.callId === id || state.waiting.some((w) => w.callId === id);
  const kept = (state.owedCallers ?? []).filter((id) => id !== event.callId && present(id));
  if (event.open && present(event.callId)) kept.push(event.callId);
  return { ...state, owedCallers: kept };
};

/** Time passes: the time-driven rules (desk/timed-rules.ts) and the lights run after every event. */
export const tick: Handler<{ type: 'tick' }> = (_s, state) => state;
