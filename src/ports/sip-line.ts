import type { CoreEvent } from '../core/events.ts';

type WithoutRecordId<E> = E extends unknown ? Omit<E, 'recordId'> : never;

/** Events a SIP line delivers: the core's SIP events, less the record id the app adds. */
export type SipLineEvent =
  | Extract<
      CoreEvent,
      {
        type: 'sip.up' | 'sip.down' | 'call.established' | 'call.closed' | 'call.dtmf' | 'consult.ringing' | 'consult.answered' | 'consult.dtmf' | 'consult.ended';
      }
    >
  | WithoutRecordId<Extract<CoreEvent, { type: 'call.incoming' | 'call.outgoing' }>>
  /** R9 voice messages: the line records a message (message.recording), and kept one (message.left, before call.closed). */
  | Extract<CoreEvent, { type: 'message.recording' | 'message.left' }>;

/**
 * R9 (issue 20 item 3): a voice message a caller left, as the line recorded it: only what the caller said after the
 * tone (16-bit signed samples, mono). `endedBy`: the caller hung up, stayed silent, pressed #, or the length limit.
 */
export interface RecordedMessage {
  callId: string;
  samples: Int16Array;
  sampleRate: number;
  endedBy: 'hangup' | 'silence' | 'key' | 'limit';
}

/** R13: where a call goes, and what the caller hears first ("transferring you to …"; null = nothing). */
export interface TransferRequest {
  uri: string;
  announcement: PromptFile | null;
}

/**
 * R13 consult transfer. `announce`: `receptionist` (attended: once the colleague answers, the handset talks to them
 * while the caller hears hold audio) or `unit` (the colleague hears `whisper`, e.g. "<caller> 来电，按 1 接通，按 2
 * 请对方留言", and answers with a key: `consult.dtmf`).
 */
export interface ConsultRequest {
  uri: string;
  /** What the caller hears first ("transferring you to <name>"), then hold audio; null = hold audio at once. */
  announcement: PromptFile | null;
  announce: 'receptionist' | 'unit';
  /** What the colleague hears when `announce` is `unit` (played, then silence while they choose). */
  whisper: PromptFile | null;
}

/** A playable prompt and its length (the SIP stack hangs up at the end of a file: switch before it). */
export interface PromptFile {
  path: string;
  durationMs: number;
}

/** What a held caller hears (SPEC R4); null = no file (silence instead of hold audio). */
export interface HoldPrompts {
  holdMusic(): Promise<PromptFile | null>;
  holdAnnouncement(): Promise<PromptFile | null>;
  /** R3: the greeting for a call answered now (time band, holiday). */
  greetingFor(instantMs: number): Promise<PromptFile | null>;
  /** R6: "please hold", to a second caller answered after the ring budget (absent: hold audio only). */
  pleaseHold?(): Promise<PromptFile | null>;
}

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
  /**
   * R3: answer without the handset: the caller hears the greeting (never before the answer), then hold audio
   * and check-ins, until `resume` connects the handset. Resolves once the call is established.
   */
  autoAnswer(callId: string): Promise<void>;
  /**
   * R6: answer a call waiting on the second line: the caller hears "please hold", then hold audio, with the
   * handset cut off, until `resume` connects it. Resolves once the call is established.
   */
  queue(callId: string): Promise<void>;
  hangup(callId: string): Promise<void>;
  /** R4: the caller hears hold audio (looped) and the handset is cut off both ways; no SIP hold. */
  hold(callId: string): Promise<void>;
  /** The handset is connected to the caller again. */
  resume(callId: string): Promise<void>;
  /** R4: a held caller hears the check-in announcement once, then hold audio again. */
  announce(callId: string, what: 'hold-thanks'): Promise<void>;
  /**
   * R4 (the call-back offer): a caller waiting with the handset cut off (held, or answered by the unit) hears `file`
   * once, then hold audio again; null: hold audio again at once (from its start). Nothing for a call not waiting.
   */
  prompt(callId: string, file: PromptFile | null): Promise<void>;
  /**
   * R4: the caller hears `file` with the handset cut off, then the line hangs the call up at its end (at once
   * without a file). Resolves once the hang-up was sent; a call that closes first resolves it too.
   */
  farewell(callId: string, file: PromptFile | null): Promise<void>;
  /**
   * A prompt that names a caller (their number read back) is over: the line removes whatever it made from it (the
   * long files it composed with it). Absent: the line keeps no such files.
   */
  discardPrompt?(file: PromptFile): Promise<void>;
  /**
   * Places a call to `uri`. Resolves with its call id once the stack has it, after the `call.outgoing` event
   * (then `call.established` / `call.closed` follow as for any call); rejects if the stack refuses to dial.
   */
  dial(uri: string): Promise<string>;
  /**
   * R13, blind transfer: the caller hears the announcement (handset muted), then hold audio while the stack
   * REFERs them to `to.uri`. Resolves when the transfer succeeded (the call then closes with reason
   * `transferred`); rejects with the reason when the REFER is refused, the target is busy or does not answer
   * within the line's transfer timeout; the caller then stays on hold audio.
   */
  transfer(callId: string, to: TransferRequest): Promise<void>;
  /**
   * R13, consult transfer: the caller `callId` hears the announcement, then hold audio (handset cut off), and the
   * unit calls `to.uri` from a free line account of its own. Resolves with the consult leg's id once the stack
   * named the call (its first provisional or final answer); `consult.ringing` / `consult.answered` /
   * `consult.dtmf` / `consult.ended` follow, and may come *before* the promise resolves (the leg's first event
   * names it: e.g. `consult.ringing`, or `consult.ended` `busy` at once on a 486). The leg never appears as
   * `call.*` while not bridged. The line ends the leg itself after `sip.transferTimeoutMs` unanswered
   * (`no-answer`); the caller closing ends it (`cancelled`). Rejects when the call is not answered, already has a
   * consult call, no line account is free, the stack refuses to dial, the colleague's side gives no answer at all
   * within `sip.transferTimeoutMs` (SipTimeoutError; the line hangs the attempt up itself), or the stack cannot
   * bridge (baresip 1.1: its audio switches reach every call). The caller stays on hold audio either way (after a
   * refusal before the dial: as it was) and is never hung up by anything the leg does.
   */
  consult(callId: string, to: ConsultRequest): Promise<string>;
  /**
   * Joins caller `callId` and the answered consult leg `legId` (aubridge, 8 kHz both ways); the handset hears
   * neither. From then on the leg is an ordinary call of the line and either side hanging up makes the line hang
   * up the other: both close with `call.closed` (the side that left with its own reason, then the other `local`;
   * both `lost` when the stack goes). A hang-up the core sends for the other side as well is redundant and may
   * reject (no such call). Rejects (the leg not answered, or either call gone meanwhile) with the caller back on
   * hold audio.
   */
  bridge(callId: string, legId: string): Promise<void>;
  /**
   * Ends consult leg `legId` only (`consult.ended` with `cancelled` follows); the caller stays on hold audio.
   * Resolves once the hang-up was sent (the leg's audio, e.g. the handset in an attended consult, is released by
   * then: `resume` the caller after it). Rejects for a leg that already ended.
   */
  endConsult(callId: string, legId: string): Promise<void>;
  /**
   * R9: hear every voice message the line recorded (lines that cannot record have no such method). Called before
   * the line's `message.left` event, so the audio is known before the call's record is written.
   */
  onVoiceMessage?(listener: (message: RecordedMessage) => void): () => void;
  /**
   * R9/R13: the answered caller `callId` (on hold) hears `prompt` (ending in the tone), then leaves a voice message
   * as out of hours (message.recording, then message.left and onVoiceMessage). Rejects when the line cannot record.
   */
  takeMessage?(callId: string, prompt: PromptFile): Promise<void>;
  /**
   * Issue 20 item 4 (recording on): a call's audio, both directions as the line recorded them, handed over at the
   * call's end, before its call.closed (so its record can say it was recorded). The listener owns the files.
   */
  onCallAudio?(listener: (audio: CallAudio) => void): () => void;
}

/**
 * Issue 20 item 4: one call's recorded audio as two WAV files (16-bit mono; their headers may not be final: read to
 * the end of the file). `caller`: what the caller said; `desk`: what the caller heard (notice, hold audio, handset).
 */
export interface CallAudio {
  callId: string;
  caller: string;
  desk: string;
}
