/**
 * Desk-rule settings the core enforces (SPEC R1, R2, R4, R5). All durations in milliseconds.
 * Defaults follow SPEC; the installer's config may change every one of them.
 */
export interface DeskRules {
  /** R1: rings allowed before the call counts as late. */
  ringBudget: number;
  /** R1: one ring cycle (ring on + pause). */
  ringCycleMs: number;
  /** R1: the sounding part of a ring cycle (the ringer is on for this long at the start of each cycle). */
  ringOnMs: number;
  /** R2: how long APOLOGISE stays lit after a late pick-up. */
  apologiseMs: number;
  /** R4: HOLD starts blinking once a hold has lasted this long. */
  holdCheckInMs: number;
  /** R4: HOLD blinks fast once a hold has lasted this long. */
  holdLimitMs: number;
  /** R5: LENGTH lights once the call has been up this long. */
  lengthWarnMs: number;
  /** R5: LENGTH blinks fast once the call has been up this long. The unit never hangs up by itself. */
  lengthLimitMs: number;
  /** SPEC panel: SYNC lights once the oldest entry waiting for upstream is this old. */
  syncWarnMs: number;
  /** SPEC panel: SYNC blinks once the oldest waiting entry is this old. */
  syncAlarmMs: number;
}

export const DEFAULT_RULES: DeskRules = {
  ringBudget: 3,
  ringCycleMs: 3000,
  ringOnMs: 1000,
  apologiseMs: 10_000,
  holdCheckInMs: 20_000,
  holdLimitMs: 60_000,
  lengthWarnMs: 180_000,
  lengthLimitMs: 300_000,
  syncWarnMs: 15 * 60_000,
  syncAlarmMs: 60 * 60_000,
};
