/**
 * Pure mapping from baresip 1.0.0 ctrl_tcp event JSON to SipLineEvent. baresip runs with LC_ALL=C, so
 * the CALL_CLOSED reasons below are stable English strings (see STACK-NOTES, SIP section).
 */
import type { CloseReason } from '../../core/events.ts';
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

/** `sip:+1555@host;user=phone` -> `+1555`; `sip:host` (no user part) -> null. */
export function numberFromUri(uri: string | undefined): string | null {
  if (!uri) return null;
  const m = /^(?:sips?|tel):([^@;?]+)@/i.exec(uri) ?? /^tel:([^;?]+)/i.exec(uri);
  if (!m?.[1]) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
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
    case 'REGISTER_OK':
      return { type: 'sip.up' };
    case 'REGISTER_FAIL':
      return { type: 'sip.down', reason: `registration failed${ev.param ? `: ${ev.param}` : ''}` };
    default:
      return null;
  }
}
