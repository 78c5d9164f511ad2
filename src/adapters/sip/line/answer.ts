/**
 * Answering a call (`accept`). `answer` resolves only when the call is established (baresip's `accept` replies
 * ok even when nothing was answered) and rejects when it is not within sip.answerTimeoutMs.
 * baresip 1.0.0's `accept` ignores a Call-ID and answers the current call after putting the account's other call
 * on hold; for a call that still rings that hold fails and nothing is answered, so the other ringing calls of the
 * account are marked held first (STACK-NOTES). 1.1.0's `accept <Call-ID>` answers that call (./shared-audio.ts
 * holds the same line's other calls as 1.0.0 does).
 */
import { SipError } from '../../../core/errors.ts';
import type { CallLink, Command } from './call-link.ts';
import type { LineCalls } from './line-calls.ts';
import { CallWaits } from './waits.ts';
import type { SharedAudio } from '../shared-audio.ts';

/** While an answer is not established, look this often for a ringing call that arrived unmarked (see accept). */
const ACCEPT_RECHECK_MS = 250;

export interface AnswerDeps {
  calls: LineCalls;
  link: CallLink;
  shared: SharedAudio;
  answerTimeoutMs: number;
}

export class Answerer {
  /**
   * baresip 1.0.0's `accept` ignores a Call-ID: the ringing-call marks are needed. True unless the running
   * baresip says it is 1.1 or later.
   */
  legacy = true;
  /** Ringing calls marked held so that another call can be answered (baresip 1.0.0 workaround). */
  private readonly markedHeld = new Set<string>();
  private readonly waits = new CallWaits();

  constructor(private readonly deps: AnswerDeps) {}

  /** `accept` a call (after `before`, run on it in the same write); resolves once it is established. */
  accept(callId: string, label: string, before: Command[]): Promise<void> {
    if (!this.deps.calls.has(callId)) return Promise.reject(new SipError(`no call with id ${callId} (${label})`));
    const { link } = this.deps;
    // The write first: with the command queue idle it goes out now, and nothing below is a reason to hold it back.
    // The wait for CALL_ESTABLISHED is still set up in this same turn, before any event can arrive.
    const sent = link.enqueue(() => this.sendAccept(callId, label, before));
    const ms = this.deps.answerTimeoutMs;
    const established = this.waits.wait(callId, ms, `call ${callId} was not established within ${ms} ms of accept`, () => new SipError(`answer of ${callId} superseded by a new one`));
    let settled = false;
    established.then(
      () => (settled = true),
      () => (settled = true),
    );
    // An INVITE that reached baresip after the last event seen here is a ringing call nobody marked held: then
    // `accept` answers nothing (and still replies ok), even if that call is turned away a moment later. Send it
    // again, with what is ringing now marked, until the call is up (a repeated accept of an answered call that
    // is not yet established is ignored by baresip). When such a call is already known once the accept's replies
    // are in (its CALL_INCOMING came before them: measured under a 20 calls/s burst, the accept then answered
    // nothing and the 200 OK went out 259 ms after the hook was lifted), the accept goes again at once; otherwise
    // at the loop's next look. The answer resolves as soon as the call is established, not at the loop's next look
    // (the caller's prompt, or the handset's microphone, follows it at once).
    const again = sent.then(async (unmarked) => {
      let now = unmarked;
      while (!settled) {
        if (!now) await new Promise((resolve) => setTimeout(resolve, ACCEPT_RECHECK_MS));
        now = false;
        if (!settled && this.deps.calls.phase(callId) === 'ringing') now = await link.enqueue(() => this.sendAccept(callId, label, before));
      }
    });
    for (const p of [sent, again]) p.catch((err: unknown) => this.waits.settle(callId, err as Error));
    return Promise.all([sent, established]).then(() => undefined);
  }

  /** The call is established: its answer resolves. */
  established(callId: string): void {
    this.markedHeld.delete(callId);
    this.waits.settle(callId);
  }

  /** The call closed: a wait for its answer rejects. */
  closed(callId: string, reason: string): void {
    this.markedHeld.delete(callId);
    this.waits.settle(callId, new SipError(`call ${callId} closed (${reason}) before it was answered`));
  }

  stop(reason: string): void {
    this.waits.failAll((id) => new SipError(`${reason} before call ${id} was answered`));
    this.markedHeld.clear();
  }

  /**
   * baresip 1.0.0's `accept` (ua_hold_answer) first puts the account's other call on hold; for a call that still
   * rings that hold fails (EINVAL) and nothing is answered. Holding the ringing call ourselves first also fails
   * with EINVAL but marks it held, after which `accept` answers ours (measured, STACK-NOTES). Everything goes in
   * one write: the marks, un-marking ours (marked earlier for another call's sake), and the accept, so no reply
   * is awaited in between (a reply that follows another in the same write waits ~40 ms for TCP's delayed ACK).
   * True when, once the replies are in, another call of the account rings unmarked: its INVITE may have reached
   * baresip before the accept, which then answered nothing.
   */
  private async sendAccept(callId: string, label: string, before: Command[]): Promise<boolean> {
    const { link, calls, shared } = this.deps;
    const ctrl = link.requireCtrl(label, callId);
    if (!this.legacy) {
      // 1.1.0: `accept <Call-ID>` answers that call, and with call_hold_other_calls off it holds nothing else.
      // No marks: its `resume` would put the other active call on SIP hold (uag_hold_resume).
      const fitted = shared.fit(callId, [...shared.beforeAccept(callId, label === 'answer'), ...before]);
      const replies = await ctrl.sendAll([['uafind', calls.aorOf(callId)], ['callfind', callId], ...fitted, ['callfind', callId], ['accept', callId]]);
      // What matters: the call was found, and accepted.
      link.checkReplies(callId, label, [replies[1] as PromiseSettledResult<string>, replies[replies.length - 1] as PromiseSettledResult<string>]);
      return false;
    }
    const marks = calls.ringingBeside(callId).filter((id) => !this.markedHeld.has(id));
    const commands: Command[] = [['uafind', calls.aorOf(callId)]];
    for (const id of marks) commands.push(['callfind', id], ['hold']);
    if (this.markedHeld.has(callId)) commands.push(['callfind', callId], ['resume']);
    const own = commands.length;
    commands.push(['callfind', callId], ...before, ['accept']);
    const replies = await ctrl.sendAll(commands);
    for (const id of marks) this.markedHeld.add(id);
    this.markedHeld.delete(callId);
    link.checkReplies(callId, label, replies.slice(own));
    return calls.ringingBeside(callId).some((id) => !this.markedHeld.has(id));
  }
}
