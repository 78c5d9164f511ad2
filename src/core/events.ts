/**
 * Everything that can happen to the core. Time never comes from inside the core: each event is
 * reduced at a `now` (ms since the epoch) given by the caller, and `tick` lets time pass.
 */

/** Why the SIP stack closed a call, already mapped from baresip's words by the SIP adapter. */
export type CloseReason = 'remote' | 'local' | 'eof' | 'error';

export type CoreEvent =
  /** The SIP stack is up (ready, and registered where a registrar is used). */
  | { type: 'sip.up' }
  /** The SIP stack is down (not registered, crashed, restarting). Calls in progress are lost. */
  | { type: 'sip.down'; reason: string }
  /** The panel hardware is faulty or unreachable (true) or healthy again (false). */
  | { type: 'panel.fault'; fault: boolean }
  /** A call arrives. `recordId` is a unique id made by the app for the call record. */
  | { type: 'call.incoming'; callId: string; recordId: string; number: string | null; displayName: string | null }
  /** The call is answered at the SIP level (200 OK / ACK). */
  | { type: 'call.established'; callId: string }
  | { type: 'call.closed'; callId: string; reason: CloseReason }
  /** The handset hook switch: `off` = lifted, `on` = put down. */
  | { type: 'hook'; state: 'off' | 'on' }
  | { type: 'button'; name: 'hold' }
  /** Time passes; the app sends this at `nextWakeAt()`. */
  | { type: 'tick' };
