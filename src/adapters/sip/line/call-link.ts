/**
 * Selecting a call and sending it commands. baresip's call commands act on the *current* call of the current
 * account, so every call command first selects the call's account (`uafind`) and the call (`callfind
 * <Call-ID>`). Commands run one at a time (p-queue) so a select and its command are never split by another.
 * A `callfind` that says baresip no longer has the call closes the call here as lost (`onGone`).
 */
import PQueue from 'p-queue';
import { SipError } from '../../../core/errors.ts';
import type { Logger } from '../../../ports/logger.ts';
import { plainText } from '../call-list.ts';
import type { SharedAudio } from '../shared-audio.ts';
import type { LineCalls } from './line-calls.ts';

export type Command = [command: string, params?: string];

/** What the line needs of the control link (ctrl-client.ts; a fake one in tests). */
export interface CtrlLink {
  readonly isConnected: boolean;
  send(command: string, params?: string, timeoutMs?: number): Promise<string>;
  sendAll(commands: Command[]): Promise<PromiseSettledResult<string>[]>;
}

const NOT_FOUND = /call not found/;

/**
 * Whether a `callfind` reply says baresip has no such call: 1.0.0 answers ok with "call not found (id=…)",
 * 1.1.0 refuses the command (ok:false) with the same words.
 */
export function saysNotFound(reply: PromiseSettledResult<string> | undefined): boolean {
  if (!reply) return false;
  const text = reply.status === 'fulfilled' ? reply.value : (reply.reason as Error)?.message ?? '';
  return NOT_FOUND.test(plainText(text));
}

export interface CallLinkDeps {
  calls: LineCalls;
  shared: SharedAudio;
  log: Logger;
  /** The control link now (null while the line is stopped). */
  link(): CtrlLink | null;
  /** baresip no longer has the call: close it as lost. */
  onGone(callId: string): void;
}

export class CallLink {
  private readonly queue = new PQueue({ concurrency: 1 });
  /** baresip 1.1 and later: `hangup` takes the Call-ID. */
  byId = false;

  constructor(private readonly deps: CallLinkDeps) {}

  get ctrl(): CtrlLink | null {
    return this.deps.link();
  }

  /** Queue one command (or a select + command sequence) so commands never interleave. */
  enqueue<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.add(work, { throwOnTimeout: true });
  }

  clear(): void {
    this.queue.clear();
  }

  /** Whether the line still knows the call. */
  knows(callId: string): boolean {
    return this.deps.calls.has(callId);
  }

  /** The link, for a command on a call the line knows; throws otherwise. */
  requireCtrl(command: string, callId: string): CtrlLink {
    const ctrl = this.deps.link();
    if (!ctrl) throw new SipError(`SIP line is not started (${command} ${callId})`);
    if (!this.deps.calls.has(callId)) throw new SipError(`no call with id ${callId} (${command})`);
    return ctrl;
  }

  /**
   * Run `commands` on `callId`: `callfind` and the commands go in one write, so an INVITE arriving meanwhile
   * cannot become baresip's current call between them (measured under a 20 calls/s burst). A call baresip no
   * longer has is closed as lost; a refused command throws unless `tolerate`.
   */
  async onCall(ctrl: CtrlLink, callId: string, label: string, commands: Command[], opts: { tolerate?: boolean } = {}): Promise<void> {
    const [, ...replies] = await ctrl.sendAll([['uafind', this.deps.calls.aorOf(callId)], ['callfind', callId], ...this.deps.shared.fit(callId, commands)]);
    this.checkReplies(callId, label, replies, opts);
  }

  /** `commands` on `callId`, queued. */
  command(callId: string, label: string, commands: Command[]): Promise<void> {
    return this.enqueue(async () => {
      await this.onCall(this.requireCtrl(label, callId), callId, label, commands);
    });
  }

  /**
   * A command that ends or gives away a call (hang-up, transfer): sent only once `callfind` has found that very
   * call, in a write of its own after the reply (a `callfind` that fails leaves another call current, and a
   * command in the same write would act on it). The second write selects the call again, so an INVITE that
   * arrived in between cannot have become the current call; on 1.1 (`byId`) the command also names the call.
   */
  async destructive(callId: string, label: string, command: Command): Promise<void> {
    return this.enqueue(async () => {
      const ctrl = this.requireCtrl(label, callId);
      const [, found] = await ctrl.sendAll([['uafind', this.deps.calls.aorOf(callId)], ['callfind', callId]]);
      this.checkReplies(callId, label, [found as PromiseSettledResult<string>]);
      if (!this.deps.calls.has(callId)) throw new SipError(`call ${callId} ended before ${label} was sent`);
      const [name, params] = command;
      const sent: Command = this.byId && name === 'hangup' && !params ? [name, callId] : command;
      const replies = await ctrl.sendAll([['callfind', callId], sent]);
      this.checkReplies(callId, label, replies);
    });
  }

  /** The replies to `callfind <callId>` and the commands after it: a call baresip no longer has closes as lost. */
  checkReplies(callId: string, label: string, [found, ...rest]: PromiseSettledResult<string>[], opts: { tolerate?: boolean } = {}): void {
    if (saysNotFound(found)) {
      // Rare: the call ended inside baresip an instant ago; the commands that followed found no call or the
      // one baresip made current. Say so loudly.
      this.deps.log.error({ callId, label }, 'baresip no longer had the call when a command was sent');
      this.deps.onGone(callId);
      throw new SipError(`baresip has no call with id ${callId} (${label})`);
    }
    if (found?.status === 'rejected') throw found.reason;
    const refused = rest.find((r) => r.status === 'rejected');
    if (refused && !opts.tolerate) throw refused.reason;
  }

  /** `callfind` within the call's account: true when baresip no longer has the call. */
  async isGone(ctrl: CtrlLink, callId: string): Promise<boolean> {
    const [, found] = await ctrl.sendAll([['uafind', this.deps.calls.aorOf(callId)], ['callfind', callId]]);
    if (saysNotFound(found)) return true;
    if (found?.status === 'rejected') throw found.reason;
    return false;
  }
}
