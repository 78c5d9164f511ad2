/**
 * R11: a caller's number and display name are personal data. Until the LAN API has authentication, they go
 * in full only to clients on the unit itself (loopback); anyone else sees them masked. Every route that
 * returns a number or a name passes what it returns through `callerView` (one place to change when auth comes).
 */
import type { FastifyRequest } from 'fastify';

/** The caller fields a status view or a call record carries. */
export interface CallerFields {
  callerNumber: string | null;
  callerName: string | null;
}

export function isLocalRequest(request: FastifyRequest): boolean {
  const ip = request.socket.remoteAddress ?? '';
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/** Trailing characters left visible: 2 from 7 characters up, 1 for 5 or 6, none for shorter numbers. */
function visibleTail(length: number): number {
  if (length >= 7) return 2;
  if (length >= 5) return 1;
  return 0;
}

/**
 * Masks all but the last digits: "+8613812345678" -> "+***********78", "5550123" -> "*****23", "12345" -> "****5".
 * A leading "+" stays (it tells an international number, nothing about the caller).
 */
export function maskNumber(number: string | null): string | null {
  if (number === null) return null;
  const plus = number.startsWith('+') ? '+' : '';
  const body = Array.from(number.slice(plus.length));
  const keep = visibleTail(body.length);
  return plus + '*'.repeat(body.length - keep) + body.slice(body.length - keep).join('');
}

/**
 * Masks a display name to its first character, the way Chinese front desks write names on shared sheets:
 * "王小明" -> "王**", "Alice Li" -> "A*******". A one-character name is masked whole.
 */
export function maskName(name: string | null): string | null {
  if (name === null) return null;
  const chars = Array.from(name);
  if (chars.length <= 1) return '*'.repeat(chars.length);
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** The caller fields of `value` as this client may see them: in full on the unit itself, masked otherwise. */
export function maskCaller<T extends CallerFields>(value: T, local: boolean): T {
  if (local) return value;
  return { ...value, callerNumber: maskNumber(value.callerNumber), callerName: maskName(value.callerName) };
}

/** A function that shows caller fields to the client of `request` (full when local, masked otherwise). */
export function callerView(request: FastifyRequest): <T extends CallerFields>(value: T) => T {
  const local = isLocalRequest(request);
  return (value) => maskCaller(value, local);
}
