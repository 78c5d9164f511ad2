/**
 * Everything that can happen to the core. Time never comes from inside the core: each event is
 * reduced at a `now` (ms since the epoch) given by the caller, and `tick` lets time pass.
 */

/**
 * Why the SIP stack closed a call, already mapped from baresip's words by the SIP adapter. `lost`: the stack
 * no longer has the call and cannot say why (it died, hung and was restarted, or dropped it while the control
 * link was down): the call is recorded as interrupted.
 */
export type CloseReason = 'remote' | 'local' | 'eof' | 'error' | 'lost' | 'transferred';

/** R13: whom a call is transferred to: a directory name or a SIP URI as the receptionist chose it, and its URI. */
export interface TransferTarget {
  label: string;
  uri: string;
}

/**
 * R13, consult transfer: how a consult leg to a colleague ended before it was bridged. `busy` (486/600), `declined`
 * (603, or the colleague pressed 2: "please take a message"), `no-answer` (not answered, or no key pressed, within
 * `sip.transferTimeoutMs`), `refused` (any other failure answer, or the stack would not dial), `hangup` (the
 * colleague hung up before being joined), `cancelled` (the desk took the caller back), `lost` (the stack lost it).
 */
/** R13: who announces a consult transfer to the colleague: the receptionist on the handset, or the unit (whisper). */
export type TransferAnnounce = 'receptionist' | 'unit';

export type ConsultEndReason = 'busy' | 'declined' | 'no-answer' | 'refused' | 'hangup' | 'cancelled' | 'lost';

export type CoreEvent =
  /**
   * The SIP stack is up (ready, and registered where a registrar is used). `voiceMessages`: the line can record a
   * voice message during a call (R9: baresip 1.0 with its taps made); absent: it cannot.
   */
  | { type: 'sip.up'; voiceMessages?: boolean }
  /**
   * The SIP stack cannot take new calls (not registered, control link lost, restarting). Calls in progress go
   * on: the SIP adapter closes the ones the stack really lost with reason `lost`.
   */
  | { type: 'sip.down'; reason: string }
  /** Asking the SIP stack to answer failed (refused, timed out, or the call never came up): ring again. */
  | { type: 'answer.failed'; callId: string; reason: string }
  /** The unit is stopping: every call still up or ringing is recorded as interrupted. */
  | { type: 'shutdown' }
  /** The panel hardware is faulty or unreachable (true) or healthy again (false). */
  | { type: 'panel.fault'; fault: boolean }
  /** The call journal cannot write (true) or writes again (false): READY shows the fault meanwhile. */
  | { type: 'journal.fault'; fault: boolean }
  /**
   * Upstream sync backlog: `oldestUnsentAt` is when (on the monotonic clock the core's `now` uses) the oldest
   * entry not yet confirmed by every sink was written, or null when nothing waits. SYNC lights from it (SPEC).
   */
  | { type: 'sync.backlog'; oldestUnsentAt: number | null }
  /** Call-backs waiting (SPEC R10): `due` is how many are due now; `overdue` when one is more than an hour late. */
  | { type: 'callbacks'; due: number; overdue: boolean }
  /**
   * A call arrives. `recordId` is a unique id made by the app for the call record. `line`: the SIP line (account)
   * it came in on, 1 when absent; 2 is the second line a PBX hunts to when line 1 is busy (R6).
   */
  | { type: 'call.incoming'; callId: string; recordId: string; number: string | null; displayName: string | null; line?: number }
  /**
   * R8/R10, the returning caller: right after call.incoming, the app says whether the unit still owes the caller
   * something (an open call-back or an undelivered message for the number): CALL BACK blinks while it rings.
   */
  | { type: 'caller.known'; callId: string; open: boolean }
  /** The unit placed a call (`number`: whom it calls); the line is busy with it until it closes. */
  | { type: 'call.outgoing'; callId: string; recordId: string; number: string | null; displayName: string | null }
  /**
   * R13: the receptionist asked to transfer the call on the line to `target`. `announce` (consult transfers): who
   * announces the caller to the colleague, the receptionist on the handset or the unit's whisper (default from the
   * settings); `legRecordId`: the id the consult call's own record will have (made by the app, like `recordId`).
   */
  | { type: 'transfer.requested'; callId: string; target: TransferTarget; announce?: TransferAnnounce; legRecordId?: string }
  /** R13 consult transfer: join the caller and the colleague who answered (the page's "connect" button). */
  | { type: 'transfer.connect'; callId: string }
  /** R13 consult transfer: end the consult call; the caller stays on hold at the desk. */
  | { type: 'transfer.cancel'; callId: string }
  /** R13 consult transfer, from the app: the line dialled the colleague for caller `callId` as leg `legId`. */
  | { type: 'consult.placed'; callId: string; legId: string }
  /** R13: the transfer was refused, the target was busy, or nobody answered in time: the caller comes back. */
  | { type: 'transfer.failed'; callId: string; reason: string }
  /**
   * R13 consult transfer, from the SIP line: the unit dialled the colleague for caller `callId` on a call of its
   * own (`legId`, on a free line account, `line` when the line names it); the caller hears hold audio meanwhile and
   * is never dropped by the leg.
   */
  | { type: 'consult.ringing'; callId: string; legId: string; line?: number }
  /** The colleague answered the consult leg (attended: the handset now talks to them; unit: the whisper plays). */
  | { type: 'consult.answered'; callId: string; legId: string; line?: number }
  /** The colleague pressed a key on the consult leg (RFC 4733 event or SIP INFO): `1` join, `2` take a message. */
  | { type: 'consult.dtmf'; callId: string; legId: string; digit: string }
  /** The consult leg ended before it was bridged; the caller stays on hold audio. `detail`: the stack's words. */
  | { type: 'consult.ended'; callId: string; legId: string; reason: ConsultEndReason; detail: string }
  /** Caller and colleague are joined (the unit stays in the media path; the handset hears neither). */
  | { type: 'bridge.up'; callId: string; legId: string }
  /** The call is answered at the SIP level (200 OK / ACK). */
  | { type: 'call.established'; callId: string }
  | { type: 'call.closed'; callId: string; reason: CloseReason }
  /**
   * The caller pressed a key on the desk's call, or (R6) a caller queued on LINE 2 did (RFC 4733 telephone-event or
   * SIP INFO): R4, answering the call-back offer (desk/callback-offer.ts).
   */
  | { type: 'call.dtmf'; callId: string; digit: string }
  /**
   * R9 voice message (issue 20 item 3), from the SIP line: the caller answered by the unit hears the greeting, the
   * instruction and the tone, then leaves a message (no check-ins, no call-back offer meanwhile; lifting the handset
   * still takes them).
   */
  | { type: 'message.recording'; callId: string }
  /** R9: a voice message was kept for the call (the line hangs up, or the caller did): its record says `message`. */
  | { type: 'message.left'; callId: string }
  /** R9: the line could not start the voice message asked of it: the caller waits at the desk again (check-ins resume). */
  | { type: 'message.failed'; callId: string }
  /** The handset hook switch: `off` = lifted, `on` = put down. */
  | { type: 'hook'; state: 'off' | 'on' }
  | { type: 'button'; name: 'hold' }
  /** Time passes; the app sends this at `nextWakeAt()`. */
  | { type: 'tick' };
