/**
 * Pure mapping from baresip 1.0.0 ctrl_tcp event JSON to SipLineEvent. baresip runs with LC_ALL=C, so
 * the CALL_CLOSED reasons below are stable English strings (see STACK-NOTES, SIP section).
 */
import type { CloseReason, ConsultEndReason } from '../../core/events.ts';
import { dialableNumber } from '../../core/phone-number.ts';
import type { SipLineEvent } from '../../ports/sip-line.ts';

/** The fields of a baresip event this adapter reads; everything else is ignored. */
export interface BaresipEvent {
  event: true;
  type: string;
  class?: string;
  id?: string;
  /** The account (line) the event is about, e.g. "sip:reception@192.0.2.10:5060". */
  accountaor?: string;
  /** "incoming" or "outgoing" on call events. */
  direction?: string;
  peeruri?: string;
  peerdisplayname?: string;
  param?: string;
}

export function isBaresipEvent(msg: unknown): msg is BaresipEvent {
  return typeof msg === 'object' && msg !== null && (msg as { event?: unknown }).event === true &&
    typeof (msg as { type?: unknown }).type === 'string';
}

/**
 * The caller's number from their address: the user part of a sip/sips URI (`sip:+1555@host;user=phone` ->
 * `+1555`) or a tel URI, percent-decoded, and only when it is a dialable number (digits, optional leading +,
 * visual separators dropped; see core/phone-number). Anything else is no number (null): the caller chose what
 * their From header says, so `sip:x@elsewhere` (or an encoded one as the user part) must never become
 * something the unit would dial back.
 */
export function numberFromUri(uri: string | undefined): string | null {
  if (!uri) return null;
  const m = /^sips?:([^@]+)@/i.exec(uri) ?? /^tel:([^;?]+)/i.exec(uri);
  const user = m?.[1]?.split(';')[0];
  if (!user) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(user);
  } catch {
    return null;
  }
  return dialableNumber(decoded);
}

export function closeReason(param: string | undefined): CloseReason {
  switch (param) {
    case 'Connection reset by peer':
      return 'remote';
    case 'Connection reset by user':
      return 'local';
    case 'end of file':
      return 'eof';
    // (sic) baresip's own words when the transfer target answered (a NOTIFY with a 2xx sipfrag).
    case 'Call transfered':
      return 'transferred';
    default:
      return 'error';
  }
}

/** Returns the line event for a baresip event, or null for events the unit does not use. */
export function mapEvent(ev: BaresipEvent): SipLineEvent | null {
  switch (ev.type) {
    case 'CALL_INCOMING':
      if (!ev.id) return null;
      return {
        type: 'call.incoming',
        callId: ev.id,
        number: numberFromUri(ev.peeruri),
        displayName: ev.peerdisplayname ? ev.peerdisplayname : null,
      };
    case 'CALL_ESTABLISHED':
      return ev.id ? { type: 'call.established', callId: ev.id } : null;
    case 'CALL_CLOSED':
      return ev.id ? { type: 'call.closed', callId: ev.id, reason: closeReason(ev.param) } : null;
    case 'CALL_DTMF_START': {
      // R4: a key the caller pressed (RFC 4733 or SIP INFO: both arrive as CALL_DTMF_START, see dtmfDigit).
      const digit = dtmfDigit(ev);
      return ev.id && digit ? { type: 'call.dtmf', callId: ev.id, digit } : null;
    }
    case 'REGISTER_OK':
      return { type: 'sip.up' };
    case 'REGISTER_FAIL':
      return { type: 'sip.down', reason: `registration failed${ev.param ? `: ${ev.param}` : ''}` };
    default:
      return null;
  }
}

/**
 * R13, R4: the key a colleague (or a caller) pressed on a call, from baresip's CALL_DTMF_START (its `param` is the key). baresip
 * 1.0.0 reports both an RFC 4733 telephone-event (src/audio.c `handle_telev`) and a SIP INFO
 * `application/dtmf-relay` (src/call.c, "Signal=") this way, followed by CALL_DTMF_END (no key) when the key is
 * released. Null for any other event.
 */
export function dtmfDigit(ev: BaresipEvent): string | null {
  if (ev.type !== 'CALL_DTMF_START' || !ev.param) return null;
  return /^[0-9*#A-D]$/.test(ev.param) ? ev.param : null;
}

/**
 * R13: why a consult call the unit placed ended before it was answered, from its CALL_CLOSED `param` (baresip
 * 1.0.0: "<status> <reason>" for a final answer, e.g. "486 Busy Here"). 486/600 busy, 603 declined, anything
 * else (another status, a transport error, a timeout) refused.
 */
export function consultEndReason(param: string | undefined): ConsultEndReason {
  const code = /^(\d{3})\b/.exec(param ?? '')?.[1];
  if (code === '486' || code === '600') return 'busy';
  if (code === '603') return 'declined';
  return 'refused';
}
