/** What the desk reducer is configured with, and the instant it reduces an event at. */
import type { CloseReason } from '../events.ts';
import type { DeskRules } from '../rules.ts';

export interface DeskSettings {
  rules: DeskRules;
  unitId: string;
  timeZone: string;
  /** R3: answer with the greeting this many rings past the budget when nobody picks up; 0 or absent = never. */
  autoAnswerAfterRings?: number;
  /** R3, optional: the SIP line plays the greeting at every pick-up too (recorded as greetingPlayed). */
  greetingAtPickup?: boolean;
}

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
