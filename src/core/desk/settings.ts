/** What the desk reducer is configured with, and the instant it reduces an event at. */
import type { CloseReason, TransferAnnounce } from '../events.ts';
import type { DeskRules } from '../rules.ts';
import type { CallbackOfferAt } from './callback-offer.ts';

export interface DeskSettings {
  rules: DeskRules;
  unitId: string;
  timeZone: string;
  /** R3: answer with the greeting this many rings past the budget when nobody picks up; 0 or absent = never. */
  autoAnswerAfterRings?: number;
  /** R3, optional: the SIP line plays the greeting at every pick-up too (recorded as greetingPlayed). */
  greetingAtPickup?: boolean;
  /** R6/R13: how many line accounts the SIP line has (config `sip.lines`, as the PBX allows); absent: 2. */
  lines?: number;
  /** R13: how transfers are made (config `sip.transfer`, `sip.transferTimeoutMs`); absent: DEFAULT_TRANSFER. */
  transfer?: TransferSettings;
  /** R4: when a waiting caller is offered a call-back (config `greetings.callbackOffer`); absent: never. */
  callbackOffer?: CallbackOfferAt;
  /**
   * R9/R13: a colleague who declines a consult transfer (603, or key 2) has the caller leave them a voice message
   * (config voiceMessages.whenDeclined); absent/false: the caller comes back to the desk on hold.
   */
  voiceMessageWhenDeclined?: boolean;
  /**
   * R4/R9: a caller past the hold limit may press 3 to leave the desk a voice message, when the line can record one
   * (config voiceMessages.enabled and voiceMessages.atHoldLimit); absent/false: key 3 is ignored.
   */
  voiceMessageAtHoldLimit?: boolean;
}

export interface TransferSettings {
  /** `consult`: the unit calls the colleague and joins them (the caller is never dropped); `refer`: blind REFER. */
  method: 'consult' | 'refer';
  /** Consult transfers: who announces the caller, unless the request says. */
  announce: TransferAnnounce;
  /** Not answered (or, announced by the unit, no key pressed) within this long: the consult leg ends. */
  timeoutMs: number;
}

export const DEFAULT_TRANSFER: TransferSettings = { method: 'consult', announce: 'unit', timeoutMs: 20_000 };

/** The instant an event is reduced at: monotonic `now` for durations, `wall` only for stamps. */
export interface At {
  now: number;
  wall: number;
}

/** Why a call ends: the stack's reason, or the unit stopping under it. */
export type EndReason = CloseReason | 'shutdown';

/**
 * A past instant `t` is stamped as `wall - (now - t)`: stamps follow the latest wall clock (a Pi without a
 * real-time clock corrects it after boot), and the gap between two stamps always equals the monotonic duration.
 */
export const stamp = (at: At, t: number) => new Date(at.wall - (at.now - t)).toISOString();
