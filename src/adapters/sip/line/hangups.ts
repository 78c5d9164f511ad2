/**
 * Hanging up. SPEC: putting the handset down always hangs up the call baresip has, so a hang-up asked for while
 * the control link is down (or cut by it) is kept and sent once the link is back (./reconcile.ts), until baresip
 * acknowledges it. A hang-up goes only to a call `callfind` has found (./call-link.ts `destructive`).
 */
import type { Logger } from '../../../ports/logger.ts';
import type { CallLink } from './call-link.ts';
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
    return link.destructive(callId, 'hangup', ['hangup']).catch((err: unknown) => {
      if (!link.ctrl?.isConnected && calls.has(callId)) {
        this.deferred.add(callId);
        log.warn({ callId, err: (err as Error).message }, 'hang-up cut by the control link: deferred until it is back');
        return;
      }
      throw err;
    });
  }

  /**
   * Sends the deferred hang-ups of calls still known, each kept until baresip has acknowledged it: a link that
   * fails again leaves it for the next reconnect. Queued: call outside the command queue.
   */
  async sendDeferred(): Promise<void> {
    const { link, calls, log } = this.deps;
    for (const id of [...this.deferred]) {
      if (!calls.has(id)) {
        this.deferred.delete(id);
        continue;
      }
      try {
        await link.destructive(id, 'hangup', ['hangup']);
      } catch (err) {
        // The call is gone (closed as lost by the link): nothing left to hang up. Otherwise kept.
        if (!calls.has(id)) this.deferred.delete(id);
        throw err;
      }
      this.deferred.delete(id);
      log.info({ callId: id }, 'deferred hang-up sent');
    }
  }

  /** Calls whose hang-up waits for baresip. */
  get waiting(): string[] {
    return [...this.deferred];
  }

  forget(callId: string): void {
    this.deferred.delete(callId);
  }

  clear(): void {
    this.deferred.clear();
  }
}
