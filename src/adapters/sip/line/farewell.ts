/**
 * R4 (issue 20 item 2): a caller who chose a call-back hears a polite goodbye with the handset cut off, then the
 * unit hangs up. The goodbye plays as a long-play file (the prompt, then silence: ./audio-routes.ts `playOnce`), so
 * its end never hangs the call up before the unit does; the hang-up is sent when the prompt's length has passed.
 * A call that closes meanwhile (the caller hung up first) cancels the hang-up.
 */
import type { Logger } from '../../../ports/logger.ts';
import type { PromptFile } from '../../../ports/sip-line.ts';
import { MUTED_PLAYER, type AudioRoutes } from './audio-routes.ts';
import type { Hangups } from './hangups.ts';

export interface FarewellsDeps {
  audio: Pick<AudioRoutes, 'playOnce'>;
  hangups: Pick<Hangups, 'hangup'>;
  log: Logger;
}

export class Farewells {
  /** Calls hearing their goodbye: what ends the wait for its end early (the call closed, the line stopped). */
  private readonly waiting = new Map<string, () => void>();

  constructor(private readonly deps: FarewellsDeps) {}

  async farewell(callId: string, file: PromptFile | null): Promise<void> {
    const { audio, hangups, log } = this.deps;
    if (file) {
      try {
        await audio.playOnce(callId, 'farewell', file, [['auplay', MUTED_PLAYER]]);
      } catch (err) {
        // The goodbye is a courtesy: the call is still ended.
        log.warn({ err: (err as Error).message, callId }, 'goodbye not played: hanging up at once');
        file = null;
      }
    }
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(callId);
        resolve(false);
      }, file?.durationMs ?? 0);
      this.waiting.set(callId, () => {
        clearTimeout(timer);
        this.waiting.delete(callId);
        resolve(true);
      });
    });
    if (!closed) await hangups.hangup(callId);
  }

  /** The call closed (or the line stopped): no hang-up is sent for it. */
  closed(callId: string): void {
    this.waiting.get(callId)?.();
  }

  clear(): void {
    for (const id of [...this.waiting.keys()]) this.closed(id);
  }
}
