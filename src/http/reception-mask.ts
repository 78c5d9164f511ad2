/**
 * R11 for the `reception` role on the LAN: the desk needs the last four digits to recognise a caller or
 * confirm a call-back number, nothing more. Names are masked whole: the desk hears the name on the phone.
 */
import type { CallerFields } from './privacy.ts';

/** "+8613812345678" -> "**********5678"; four digits or fewer are masked whole. The "+" goes too. */
export function maskToLastFour(number: string | null): string | null {
  if (number === null) return null;
  const chars = Array.from(number);
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return '*'.repeat(chars.length - 4) + chars.slice(-4).join('');
}

/** Any name -> "***" (its length is not shown either). */
export function maskNameWhole(name: string | null): string | null {
  return name === null ? null : '***';
}

export function maskCallerForReception<T extends CallerFields>(value: T): T {
  return { ...value, callerNumber: maskToLastFour(value.callerNumber), callerName: maskNameWhole(value.callerName) };
}
