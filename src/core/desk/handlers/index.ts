/** One handler per event type: the table the desk reducer dispatches on. */
import type { HandlerTable } from '../handler.ts';
import { callClosed, shutdown } from './closed.ts';
import { callEstablished } from './established.ts';
import { button, hook } from './handset.ts';
import { answerFailed, callIncoming } from './incoming.ts';
import { callOutgoing } from './placed.ts';
import { transferFailed, transferRequested } from './transfer.ts';
import { callbacks, journalFault, panelFault, sipDown, sipUp, syncBacklog, tick } from './unit-status.ts';

export const handlers: HandlerTable = {
  'sip.up': sipUp,
  'sip.down': sipDown,
  'panel.fault': panelFault,
  'journal.fault': journalFault,
  'sync.backlog': syncBacklog,
  callbacks,
  shutdown,
  'call.incoming': callIncoming,
  'answer.failed': answerFailed,
  'call.established': callEstablished,
  'call.closed': callClosed,
  'call.outgoing': callOutgoing,
  'transfer.requested': transferRequested,
  'transfer.failed': transferFailed,
  // Consult transfer (R13): handlers land with the consult/bridge work; until then the core ignores the events.
  'consult.ringing': (_s, state) => state,
  'consult.answered': (_s, state) => state,
  'consult.dtmf': (_s, state) => state,
  'consult.ended': (_s, state) => state,
  'bridge.up': (_s, state) => state,
  hook,
  button,
  tick,
};
