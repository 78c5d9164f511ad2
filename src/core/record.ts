/**
 * A call record (SPEC "A call record"). Fields the unit cannot fill yet are present and null.
 * Times are UTC ISO-8601 strings; `timeZone` names the unit's zone beside them.
 * `talkMs` is the time the parties could talk: from answer to end, less the time on hold.
 */
export type AnsweredBy = 'receptionist' | 'auto-greeting' | 'nobody';
export type HungUpFirst = 'caller' | 'receptionist' | 'unit' | null;
/**
 * `interrupted`: the SIP stack (or the unit) went away during the call. `busy`: turned away with 486 because
 * every line was in use. `transferred` and `message` come with transfers and message slips (R13, R9).
 * `callback-requested`: a caller waiting past the hold limit chose a call-back and confirmed their number (R4); the
 * unit said goodbye and hung up, and the call-back is due from the call's end (quiet hours respected, R10).
 */
export type Outcome = 'answered' | 'missed' | 'abandoned' | 'busy' | 'interrupted' | 'transferred' | 'message' | 'callback-requested';

/** `failed`: refused, the target busy, or no answer in time (the caller came back to the desk). */
export type TransferResult = 'succeeded' | 'failed';

export interface HoldRecord {
  startedAt: string;
  ms: number;
}

export interface CallRecord {
  id: string;
  unitId: string;
  line: number;
  direction: 'incoming' | 'outgoing';
  callerNumber: string | null;
  callerName: string | null;
  startedAt: string;
  rings: number;
  answeredBy: AnsweredBy;
  answeredAt: string | null;
  /**
   * When the receptionist took the call on the handset (later than answeredAt after an auto-greeting), or null.
   * Always written by this version; optional only because records written before it lack the field.
   */
  pickedUpAt?: string | null;
  late: boolean;
  holds: HoldRecord[];
  /**
   * R13: whom the call was last transferred to (a directory name or SIP URI) and whether that worked; null when
   * it was not transferred. Optional only because records written before transfers existed lack them.
   */
  transferTarget?: string | null;
  transferResult?: TransferResult | null;
  /**
   * R13 consult transfer: how long the caller and the colleague were joined through the unit (kept apart from
   * `talkMs`, the desk's own talk time); null or absent when the call was never bridged.
   */
  bridgedMs?: number | null;
  /**
   * R13 consult transfer: on the record of the unit's own call to the colleague (direction `outgoing`), the id of
   * the caller's record it was placed for; null or absent on every other record.
   */
  consultFor?: string | null;
  /**
   * Issue 20: the contact book's name for the caller's number at ring time (the caller's own display name stays in
   * callerName); null or absent when the number is not in the book (and on records written before the book).
   */
  contactName?: string | null;
  /**
   * Issue 20 item 4: the call's audio is kept on the unit (recording on, and the receptionist took the call).
   * Optional only because records written before recording lack it (read as false).
   */
  recorded?: boolean;
  talkMs: number;
  endedAt: string;
  hungUpFirst: HungUpFirst;
  outcome: Outcome;
  greetingPlayed: boolean;
  notes: string | null;
  category: string | null;
  message: string | null;
  callbackDue: string | null;
  callbackDone: string | null;
  timeZone: string;
}
