/**
 * R11: caller numbers are personal data. Until the LAN API has authentication, full numbers go only to
 * clients on the unit itself (loopback); anyone else sees them masked.
 */
import type { FastifyRequest } from 'fastify';

export function isLocalRequest(request: FastifyRequest): boolean {
  const ip = request.socket.remoteAddress ?? '';
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/** Keep the first 3 and last 2 digits: "+8613812345678" -> "+86*********78". */
export function maskNumber(number: string | null): string | null {
  if (number === null) return null;
  if (number.length <= 5) return '*'.repeat(number.length);
  return number.slice(0, 3) + '*'.repeat(number.length - 5) + number.slice(-2);
}
