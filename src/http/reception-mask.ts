/**
 * R11 for the `reception` role on the LAN (issue 18): the receptionist acts on calls, so she sees the caller's
 * name as given and the names she typed herself; the number is masked in the middle ("138****1111"): enough to
 * recognise a caller and confirm a call-back, while a shared screen shows no whole number. The unit dials by
 * record (one-click call-back); the whole number is shown only through the logged "show number" action.
 * The `wallboard` role (a screen others can see) gets neither name nor number (`hideCaller`).
 */
import type { CallerFields } from './privacy.ts';

/** Mainland China numbers (+86) in their national form: mobiles (11 digits from 1) as they are, others after a 0. */
function nationalForm(number: string): string {
  if (!number.startsWith('+86') || number.length < 10) return number;
  const rest = number.slice(3);
  return rest.length === 11 && rest.startsWith('1') ? rest : `0${rest}`;
}

/**
 * "+8613812341111" -> "138****1111", "+861012345678" -> "010****5678", "+15550100123" -> "+155****0123":
 * the first three digits (after a leading "+") and the last four stay. A number too short to hide anything that
 * way (under nine characters) keeps its last four only; four characters or fewer are masked whole.
 */
export function maskMiddle(number: string | null): string | null {
  if (number === null) return null;
  const chars = Array.from(nationalForm(number));
  if (chars.length <= 4) return '*'.repeat(chars.length);
  if (chars.length < 9) return '*'.repeat(chars.length - 4) + chars.slice(-4).join('');
  const head = chars[0] === '+' ? 4 : 3;
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - 4) + chars.slice(-4).join('');
}

/** Reception: the name as given, the number masked in the middle. */
export function maskCallerForReception<T extends CallerFields>(value: T): T {
  return { ...value, callerNumber: maskMiddle(value.callerNumber) };
}

/** Wallboard: no name, no number (counts and states only). */
export function hideCaller<T extends CallerFields>(value: T): T {
  return { ...value, callerNumber: null, callerName: null };
}
