/**
 * Reading baresip's own view of its calls, for the few places where the events are not enough (an outgoing call
 * that never got a provisional response has produced no event with its Call-ID in 1.0.0).
 *
 * `listcalls` prints, per account (1.0.0: the current account only; 1.1.0: every account, each after a
 * "User-Agent: …" line), one line per call: `> [line 1]  00:00:03   OUTGOING            sip:wang@host` in 1.0.0,
 * `> [line 1, id 6a0f…]  …` in 1.1.0 ("(on hold)" may stand before the address). `dial` replies
 * "call id: <Call-ID>" in 1.1.0 and nothing useful in 1.0.0.
 */
export interface ListedCall {
  line: number;
  /** The Call-ID, when baresip prints it (1.1.0). */
  id: string | null;
  /** IDLE, INCOMING, OUTGOING, RINGING, EARLY, ESTABLISHED, TERMINATED. */
  state: string;
  peerUri: string;
}

const CALL_LINE = /^[> ]?\s*\[line (\d+)(?:, id ([^\]\s]+))?\]\s+\S+\s+([A-Z?]+)\s+(?:\(on hold\)\s+)?(\S+)\s*$/gm;

/** States of an outgoing call that has not been answered. */
export const UNANSWERED_OUTGOING = new Set(['OUTGOING', 'RINGING', 'EARLY']);

export function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

export function parseCallList(text: string): ListedCall[] {
  return [...plainText(text).matchAll(CALL_LINE)].map((m) => ({
    line: Number(m[1]),
    id: m[2] ?? null,
    state: m[3] as string,
    peerUri: m[4] as string,
  }));
}

/** The Call-ID in a `dial` reply (1.1.0: "call id: <id>"), or null (1.0.0 says nothing). */
export function dialReplyCallId(text: string): string | null {
  return /call id: (\S+)/.exec(plainText(text))?.[1] ?? null;
}
