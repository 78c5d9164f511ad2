/**
 * Outbound calls (`dial`), placed from line 1's account. baresip 1.0.0's `dial` reply carries no Call-ID and
 * CALL_LOCAL_SDP has none either, so one dial is in flight at a time and the first call event of direction
 * "outgoing" with an unknown id is it (1.1.0's reply names the id: then only that id). A dial given up before
 * any provisional response is hung up by ../orphan-dial.ts.
 */
import { SipError, SipTimeoutError } from '../../../core/errors.ts';
import type { SipLineEvent } from '../../../ports/sip-line.ts';
import { dialReplyCallId } from '../call-list.ts';
import { numberFromUri, type BaresipEvent } from '../event-map.ts';
import type { OrphanDial } from '../orphan-dial.ts';
import type { CallLink } from './call-link.ts';
import type { LineCalls } from './line-calls.ts';

/** A `dial` sent, waiting for baresip's first event that names the new call. */
interface PendingDial {
  uri: string;
  /** The call's Call-ID once known before any call event (baresip 1.1.0's `dial` reply names it). */
  id: string | null;
  /** Timed out: the call, if baresip makes or has it, is an orphan to hang up. */
  gaveUp: boolean;
  resolve: (callId: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Call events that may be the first to name an outgoing call (CALL_LOCAL_SDP carries no id in 1.0.0). */
const OUTGOING_FIRST = new Set(['CALL_RINGING', 'CALL_PROGRESS', 'CALL_ESTABLISHED', 'CALL_CLOSED']);

export interface DialerDeps {
  calls: LineCalls;
  link: CallLink;
  orphan: OrphanDial;
  answerTimeoutMs: number;
  emit(event: SipLineEvent): void;
}

export class Dialer {
  private pending: PendingDial | null = null;

  constructor(private readonly deps: DialerDeps) {}

  dial(uri: string): Promise<string> {
    const { link, orphan, calls } = this.deps;
    if (this.pending) return Promise.reject(new SipError(`another call is being dialled (${this.pending.uri})`));
    if (orphan.pending) return Promise.reject(new SipError('the last unanswered call is still being hung up: try again in a moment'));
    let dial!: PendingDial;
    const named = new Promise<string>((resolve, reject) => {
      const ms = this.deps.answerTimeoutMs;
      const timer = setTimeout(() => {
        this.fail(new SipTimeoutError(`no answer from ${uri} within ${ms} ms of dialling`));
        // baresip still has the call (ringing on, or waiting for a first reply): it must not ring on unseen.
        dial.gaveUp = true;
        orphan.abandon(uri, dial.id);
      }, ms);
      dial = { uri, id: null, gaveUp: false, resolve, reject, timer };
      this.pending = dial;
    });
    const sent = link.enqueue(async () => {
      const ctrl = link.ctrl;
      if (!ctrl) throw new SipError(`SIP line is not started (dial ${uri})`);
      const [, dialled] = await ctrl.sendAll([['uafind', calls.aors.line1], ['dial', uri]]);
      if (dialled?.status === 'rejected') throw dialled.reason;
      dial.id = dialReplyCallId(dialled?.value ?? '');
      // Given up before the reply came: hang up the call baresip has just made (by its id when named).
      if (dial.gaveUp && !orphan.pending) orphan.abandon(uri, dial.id);
      else if (dial.gaveUp) orphan.learnId(uri, dial.id);
    });
    sent.catch((err: unknown) => this.fail(err as Error));
    return Promise.all([sent, named]).then(([, id]) => id);
  }

  /** The dial in flight, if any, rejects with `err`. */
  fail(err: Error): void {
    const dial = this.pending;
    if (!dial) return;
    this.pending = null;
    clearTimeout(dial.timer);
    dial.reject(err);
  }

  /** The first event naming an outgoing call while a dial waits: that call is the dialled one. */
  adopt(ev: BaresipEvent): void {
    const dial = this.pending;
    const { calls } = this.deps;
    if (!dial || !ev.id || ev.direction !== 'outgoing' || calls.has(ev.id) || !OUTGOING_FIRST.has(ev.type)) return;
    if (dial.id && ev.id !== dial.id) return;
    this.pending = null;
    clearTimeout(dial.timer);
    calls.add(ev.id, 'ringing', calls.aors.line1);
    this.deps.emit({
      type: 'call.outgoing',
      callId: ev.id,
      number: numberFromUri(ev.peeruri ?? dial.uri),
      displayName: ev.peerdisplayname ? ev.peerdisplayname : null,
    });
    dial.resolve(ev.id);
  }
}
