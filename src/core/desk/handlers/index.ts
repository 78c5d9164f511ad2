/** One handler per event type: the table the desk reducer dispatches on. */
import type { HandlerTable } from '../handler.ts';
import { callDtmf } from '../callback-offer.ts';
import { callClosed, shutdown } from './closed.ts';
import { callEstablished } from './established.ts';
import { button, hook } from './handset.ts';
import { answerFailed, callIncoming } from './incoming.ts';
import { callOutgoing } from './placed.ts';
import { transferFailed, transferRequested } from './transfer.ts';
import { bridgeUp } from './bridge.ts';
import { consultAnswered, consultDtmf, consultEnded, consultPlaced, consultRinging, transferCancel, transferConnect } from './consult.ts';
import { messageFailed, messageLeft, messageRecording } from './voice-message.ts';
import { callbacks, callerKnown, journalFault, panelFault, sipDown, sipUp, syncBacklog, tick } from './unit-status.ts';

export const handlers: HandlerTable = {
  'sip.up': sipUp,
  'sip.down': sipDown,
  'panel.fault': panelFault,
  'journal.fault': journalFault,
  'sync.backlog': syncBacklog,
  callbacks,
  'caller.known': callerKnown,
  shutdown,
  'call.incoming': callIncoming,
  'answer.failed': answerFailed,
  'call.established': callEstablished,
  'call.closed': callClosed,
  'call.dtmf': callDtmf,
  'call.outgoing': callOutgoing,
  'transfer.requested': transferRequested,
  'transfer.failed': transferFailed,
  'transfer.connect': transferConnect,
  'transfer.cancel': transferCancel,
  'consult.placed': consultPlaced,
  'consult.ringing': consultRinging,
  'consult.answered': consultAnswered,
  'consult.dtmf': consultDtmf,
  'consult.ended': consultEnded,
  'bridge.up': bridgeUp,
  'message.recording': messageRecording,
  'message.left': messageLeft,
  'message.failed': messageFailed,
  hook,
  button,
  tick,
};
