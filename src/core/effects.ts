import type { LightName, LightState } from './lights.ts';
import type { CallRecord } from './record.ts';

/** What the core asks the world to do. The app carries effects out in order. */
export type SipCommand = 'answer' | 'hangup' | 'hold' | 'resume';

export type Effect =
  | { type: 'light'; name: LightName; state: LightState }
  /** The ringer sounds (true) or is silent (false), in step with the ring cadence. */
  | { type: 'ringer'; on: boolean }
  | { type: 'sip'; command: SipCommand; callId: string }
  /** A call ended: append its record to the journal. */
  | { type: 'record'; record: CallRecord };
