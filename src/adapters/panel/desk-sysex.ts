/**
 * The unit's own sysex messages (firmware/PROTOCOL.md, "The unit's own sysex messages"): message bodies
 * without the F0/F7 framing, as IoPlugin.sysexCommand takes them.
 */
import type { LightState } from '../../core/lights.ts';
import { BadInputError } from '../../core/errors.ts';

export const DESK_PATTERN = 0x01;
export const DESK_HEARTBEAT = 0x02;
export const DESK_WATCHDOG = 0x03;

/** Pattern codes: 00 off, 01 on, 02 blink (500/500 ms), 03 fast (125/125 ms). */
export const PATTERN_CODE: Readonly<Record<LightState, number>> = { off: 0x00, on: 0x01, blink: 0x02, fast: 0x03 };

/** Largest watchdog timeout: 14 bits sent as two 7-bit bytes. */
export const WATCHDOG_MAX_MS = 0x3fff;

function checkPin(pin: number): void {
  if (!Number.isInteger(pin) || pin < 0 || pin > 0x7f) throw new BadInputError('pin', `${pin} is not a 7-bit pin number`);
}

export function patternMessage(pin: number, state: LightState): number[] {
  checkPin(pin);
  return [DESK_PATTERN, pin, PATTERN_CODE[state]];
}

export function heartbeatMessage(): number[] {
  return [DESK_HEARTBEAT];
}

/** `ms` 0 turns the board's watchdog off. */
export function watchdogMessage(ms: number): number[] {
  if (!Number.isInteger(ms) || ms < 0 || ms > WATCHDOG_MAX_MS)
    throw new BadInputError('watchdogMs', `${ms} is not an integer from 0 to ${WATCHDOG_MAX_MS}`);
  return [DESK_WATCHDOG, ms & 0x7f, (ms >> 7) & 0x7f];
}
