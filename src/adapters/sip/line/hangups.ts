/**
 * Hanging up. SPEC: putting the handset down always hangs up the call baresip has, so a hang-up asked for while
 * the control link is down (or cut by it) is kept and sent once the link is back (./reconcile.ts).
 */
import type { Logger } from '../../../ports/logger.ts';
import type { CallLink, CtrlLink } from './call-link.ts';
import type { LineCalls } from './line-calls.ts';

export interface HangupsDeps {
  calls: LineCalls;
  link: CallLink;
  log: Logger;
}

export class Hangups {
  /** Hang-ups asked for while the control link was down: sent after it comes back. */
  private readonly deferred = new Set<string>();

  constructor(private readonly deps: HangupsDeps) {}

  hangup(callId: string): Promise<void> {
    const { link, calls, log } = this.deps;
    if (!link.ctrl?.isConnected && calls.has(callId)) {
      this.deferred.add(callId);
      log.warn({ callId }, 'control link down: hang-up deferred until it is back');
      return Promise.resolve();
    }
    return link.command(callId, 'hangup', [['hangup']]).catch((err: unknown) => {
      if (!link.ctrl?.isConnected && calls.has(callId)) {
        this.deferred.add(callId);
        log.warn({ callId, err: (err as Error).message }, 'hang-up cut by the control link: deferred until it is back');
        return;
      }
      throw err;
    });
  }

  /** Sends the deferred hang-ups of calls still known (inside the command queue). */
  async sendDeferred(ctrl: CtrlLink): Promise<void> {
    const { link, calls, log } = this.deps;
    for (const id of [...this.deferred]) {
      this.deferred.delete(id);
      if (!calls.has(id)) continue;
      await link.onCall(ctrl, id, 'hangup', [['hangup']]);
      log.info({ callId: id }, 'deferred hang-up sent');
    }
  }

  forget(callId: string): void {
    this.deferred.delete(callId);
  }

  clear(): void {
    this.deferred.clear();
  }
}
