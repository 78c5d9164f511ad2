import type { CoreEvent } from '../core/events.ts';

/** Events a SIP line delivers: the core's SIP events, less the record id the app adds. */
export type SipLineEvent =
  | Extract<CoreEvent, { type: 'sip.up' | 'sip.down' | 'call.established' | 'call.closed' }>
  | Omit<Extract<CoreEvent, { type: 'call.incoming' }>, 'recordId'>;

/**
 * The SIP side seen as a simple phone (answer / hangup / hold / resume) with delegate events.
 * Commands reject with SipError / SipTimeoutError; they never throw synchronously.
 */
export interface SipLine {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Subscribe; returns the function that unsubscribes. */
  onEvent(listener: (event: SipLineEvent) => void): () => void;
  answer(callId: string): Promise<void>;
  hangup(callId: string): Promise<void>;
  hold(callId: string): Promise<void>;
  resume(callId: string): Promise<void>;
}
