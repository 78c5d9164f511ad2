/**
 * Blind transfer (R13): the caller hears the announcement with the handset muted, then hold audio, while a REFER
 * sends them to the target. baresip reports a refused REFER or a failed NOTIFY sipfrag as TRANSFER_FAILED, and a
 * 2xx sipfrag closes the call ("Call transfered"). baresip (1.0.0 and 1.1.0) frees the call itself on a failed
 * transfer, with no CALL_CLOSED (src/ua.c: CALL_EVENT_TRANSFER_FAILED -> mem_deref(call)): the line asks baresip
 * whether it still has the call and closes it as lost if not.
 */
import { SipError } from '../../../core/errors.ts';
import type { CloseReason } from '../../../core/events.ts';
import type { Logger } from '../../../ports/logger.ts';
import type { TransferRequest } from '../../../ports/sip-line.ts';
import type { AudioRoutes } from './audio-routes.ts';
import type { CallLink } from './call-link.ts';
import type { LineCalls } from './line-calls.ts';
import { CallWaits } from './waits.ts';

export interface TransfersDeps {
  calls: LineCalls;
  link: CallLink;
  audio: AudioRoutes;
  transferTimeoutMs: number;
  log: Logger;
  /** Closes a call the line knows (baresip dropped it). */
  close(callId: string, reason: CloseReason): void;
}

export class Transfers {
  private readonly waits = new CallWaits();

  constructor(private readonly deps: TransfersDeps) {}

  async transfer(callId: string, to: TransferRequest): Promise<void> {
    const { audio, link, transferTimeoutMs: ms } = this.deps;
    await audio.playMuted(callId, 'transfer', to.announcement);
    if (to.announcement) await new Promise((resolve) => setTimeout(resolve, to.announcement?.durationMs));
    const done = this.waits.wait(callId, ms, `${to.uri} did not take the call within ${ms} ms`);
    const sent = link.destructive(callId, 'transfer', ['transfer', to.uri]);
    sent.catch((err: unknown) => this.waits.settle(callId, err as Error));
    await Promise.all([sent, done]);
  }

  /** TRANSFER_FAILED for `callId`: its transfer rejects, and the call closes if baresip dropped it. */
  failed(callId: string, reason: string | undefined): void {
    this.waits.settle(callId, new SipError(`transfer refused or failed: ${reason ?? 'no reason given'}`));
    void this.checkStillThere(callId);
  }

  /** The call closed: its transfer resolves when that was the transfer's doing, else rejects. */
  closed(callId: string, reason: CloseReason): void {
    this.waits.settle(callId, reason === 'transferred' ? undefined : new SipError(`call ${callId} closed (${reason}) during the transfer`));
  }

  /** Closes `callId` as lost if baresip no longer has it. */
  private checkStillThere(callId: string): Promise<void> {
    const { link, calls, log } = this.deps;
    return link
      .enqueue(async () => {
        const ctrl = link.ctrl;
        if (!ctrl || !calls.has(callId)) return;
        if (await link.isGone(ctrl, callId)) {
          log.error({ callId }, 'baresip dropped the call when its transfer failed: recorded as interrupted');
          this.deps.close(callId, 'lost');
        }
      })
      .catch((err: unknown) => log.warn({ err: (err as Error).message, callId }, 'call check after a failed transfer failed'));
  }
}
