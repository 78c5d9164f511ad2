/**
 * After the control link comes back: events were lost while it was down, so ask baresip about every call the
 * line knows (`callfind`); the ones it no longer has close as lost, once. Then send the hang-ups that were asked
 * for meanwhile (./hangups.ts).
 */
import type { CloseReason } from '../../../core/events.ts';
import type { Logger } from '../../../ports/logger.ts';
import type { CallLink } from './call-link.ts';
import type { Hangups } from './hangups.ts';
import type { LineCalls } from './line-calls.ts';

export interface ReconcileDeps {
  calls: LineCalls;
  link: CallLink;
  hangups: Hangups;
  log: Logger;
  close(callId: string, reason: CloseReason): void;
}

export async function reconcile({ calls, link, hangups, log, close }: ReconcileDeps): Promise<void> {
  await link.enqueue(async () => {
    const ctrl = link.ctrl;
    if (!ctrl) return;
    for (const id of calls.ids()) {
      if (await link.isGone(ctrl, id)) {
        log.warn({ callId: id }, 'baresip no longer has this call: recorded as interrupted');
        close(id, 'lost');
      }
    }
  });
  await hangups.sendDeferred();
}
