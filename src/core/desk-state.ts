import { CallState } from './call-state.ts';
import type { CallbackOffer } from './desk/callback-offer.ts';
import type { ConsultEndReason, TransferAnnounce, TransferTarget } from './events.ts';
import { allLights, type Lights } from './lights.ts';

/** One call as the core tracks it. Times are ms since the epoch. */
export interface ActiveCall {
  state: Exclude<CallState, CallState.Idle>;
  /** The SIP line (account) the call came in on: 1, or 2 for the second line (R6). */
  line: number;
  /** R6: answered on the second line with "please hold" and queued, then offered to the desk. */
  queued: boolean;
  /** `outgoing`: a call the unit placed (no rings, no ring budget). */
  direction: 'incoming' | 'outgoing';
  callId: string;
  recordId: string;
  number: string | null;
  displayName: string | null;
  startedAt: number;
  /** When the handset was lifted (or the call was answered elsewhere). */
  pickedUpAt: number | null;
  /** The ring in progress at pick-up (R1). */
  ringsAtPickup: number | null;
  /** When the SIP call was established. */
  answeredAt: number | null;
  late: boolean;
  holds: { startedAt: number; endedAt: number | null }[];
  /** R4: check-in announcements made during the hold in progress (or the wait after an auto-answer). */
  checkIns: number;
  /** R3: when the unit answered the call itself (auto-greeting), or null. */
  autoAnsweredAt: number | null;
  /** R3: the unit tried to answer this call itself (once only, even if that failed). */
  autoTried: boolean;
  /**
   * R13: the last transfer asked for, and its result (pending while the stack transfers or the consult goes on);
   * `reason`: why it failed (a blind transfer's failures are `refused`), `detail` the stack's words.
   */
  transfer: TransferState | null;
  /** R13: the consult call to the colleague in progress (state CONSULTING), or null. */
  consult: Consult | null;
  /** R13: every consult leg this call has had, so a late event of an earlier one is never taken for the next's. */
  pastLegs?: string[];
  /** R4: the call-back offered instead of a long hold, and the caller's answer (desk/callback-offer.ts). */
  callbackOffer?: CallbackOffer | null;
  /**
   * R9: a voice message was asked of the line and its prompt plays (`offered`: no check-in talks over it), the caller
   * speaks (`recording`), or left one (`left`); null/absent: none.
   */
  voiceMessage?: 'offered' | 'recording' | 'left' | null;
}

export interface TransferState {
  target: TransferTarget;
  result: 'pending' | 'succeeded' | 'failed';
  reason?: ConsultEndReason | null;
  detail?: string | null;
}

/** R13: the unit's own call to the colleague while the caller waits on hold audio. Times are monotonic ms. */
export interface Consult {
  /** The leg's id once the line names it (consult.placed / consult.ringing), else null. */
  legId: string | null;
  /** The id the leg's own record gets (an outgoing call to the colleague, linked with `consultFor`). */
  legRecordId: string;
  announce: TransferAnnounce;
  startedAt: number;
  /** When the leg is ended unless something happens first (not answered, or no key pressed), or null (none). */
  deadline: number | null;
  ringing: boolean;
  answeredAt: number | null;
  /** The line account the leg is on, when the line names it. */
  line: number | null;
  /** "Connect" was asked: waiting for bridge.up. */
  joining: boolean;
}

/** R13: a caller joined to a colleague through the unit; it occupies its lines until either leg closes. */
export interface BridgedCall {
  /** The caller's call as it was when joined (state BRIDGED; `consult` names the leg). */
  call: ActiveCall;
  legId: string;
  bridgedAt: number;
  /** The line accounts the bridge occupies (the caller's, and the leg's when known). */
  lines: number[];
}

/** A second call that arrived while the line was busy (LINE 2). */
export interface WaitingCall {
  line: number;
  callId: string;
  recordId: string;
  number: string | null;
  displayName: string | null;
  startedAt: number;
  /** Turned away busy: no line could take it (see desk.ts). */
  rejected: boolean;
  /** R6: the unit tried to answer it with "please hold" (once). */
  queueTried: boolean;
  /** R6: when that answer was established (the caller hears "please hold", then hold audio), or null. */
  queuedAt: number | null;
  /** R4: check-in announcements made during the wait on hold audio since queuedAt (absent: none yet). */
  checkIns?: number;
  /** R4: the call-back offered during that wait, and the caller's answer (desk/callback-offer.ts). */
  callbackOffer?: CallbackOffer | null;
  /** R4/R9: the caller pressed 3 and speaks a voice message for the desk (`recording`), or left one (`left`). */
  voiceMessage?: 'recording' | 'left' | null;
}

export interface DeskState {
  sipUp: boolean;
  /** R9: the SIP line can record a voice message during a call (sip.up said so). */
  voiceMessagesAvailable?: boolean;
  panelFault: boolean;
  /** The journal cannot write: READY shows a fault until it can again. */
  journalFault: boolean;
  /** Monotonic time the oldest entry not yet confirmed upstream was written; null when nothing waits. */
  syncBacklogSince: number | null;
  /** Call-backs due now, and whether one is overdue by more than an hour (R10). */
  callbacksDue: number;
  callbackOverdue: boolean;
  /** Ringing or waiting calls (by SIP call id) the unit owes something (caller.known): CALL BACK blinks. */
  owedCallers?: string[];
  hook: 'on' | 'off';
  call: ActiveCall | null;
  waiting: WaitingCall[];
  /** R13: bridged calls in progress (they left the desk's line; the desk takes new calls meanwhile). */
  bridges: BridgedCall[];
  /** What the panel was last told, so only changes become effects. */
  lights: Lights;
  ringer: boolean;
}

/** The desk at power-on: SIP not up yet (READY blinks), nothing ringing. */
export function initialDeskState(): DeskState {
  return {
    sipUp: false,
    panelFault: false,
    journalFault: false,
    syncBacklogSince: null,
    callbacksDue: 0,
    callbackOverdue: false,
    hook: 'on',
    call: null,
    waiting: [],
    bridges: [],
    lights: { ...allLights('off'), READY: 'blink' },
    ringer: false,
  };
}
