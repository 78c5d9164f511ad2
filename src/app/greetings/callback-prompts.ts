/**
 * What a caller offered a call-back instead of a long hold hears (SPEC R4, R8; issue 20 item 2), spoken with
 * espeak-ng in the announcements' voice from the config's texts (`greetings.announcements.callbackOffer`, or
 * `.callbackOfferWithMessage` when key 3 leaves a voice message, `.callbackReadBack`, `.callbackGoodbye`):
 *   callback/<hash>.wav   the offer and the goodbye, made on first use and kept (the same text reuses the file)
 *   readback/<uuid>.wav   "your number is 1 3 8 …, press 1 to confirm": one per call, it names the caller's number
 *                         (personal data): removed with discard once the call has moved on, and all at start.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GreetingsConfig } from '../../config/greetings-schema.ts';
import type { GreetingAudio } from '../../ports/greeting-audio.ts';
import type { AudioAsset, GreetingStore } from './greeting-store.ts';
import { SpokenOnce } from './spoken-once.ts';

export interface CallbackPromptsOptions {
  store: GreetingStore;
  audio: GreetingAudio;
  config: GreetingsConfig;
}

/** A dialable number spoken digit by digit (R8): "+86 138…" -> "8 6 1 3 8 …" (the + is not said). */
export function digitByDigit(number: string): string {
  return number.replace(/[^\d]/g, '').split('').join(' ');
}

export class CallbackPrompts {
  /** The offer and the goodbye, kept under callback/ (a changed config's texts: a new one). */
  private kept: SpokenOnce;

  constructor(private opts: CallbackPromptsOptions) {
    this.kept = new SpokenOnce(opts.store, opts.audio, 'callback');
  }

  /** New texts or voice (a live config change): spoken again on next use. */
  reconfigure(config: GreetingsConfig): void {
    this.opts = { ...this.opts, config };
    this.kept = new SpokenOnce(this.opts.store, this.opts.audio, 'callback');
  }

  /** "按 1 留下号码，我们会尽快回电；按 2 继续等待" (`withMessage`: "…；按 3 留言"). */
  offer(withMessage = false): Promise<AudioAsset> {
    const { announcements } = this.opts.config;
    return this.keptFile(withMessage ? announcements.callbackOfferWithMessage : announcements.callbackOffer);
  }

  /** The polite goodbye before the unit hangs up. */
  goodbye(): Promise<AudioAsset> {
    return this.keptFile(this.opts.config.announcements.callbackGoodbye);
  }

  /** The caller's number read back digit by digit, and "press 1 to confirm": a file for this call only. */
  async readBack(number: string): Promise<AudioAsset> {
    const { store, audio, config } = this.opts;
    const text = config.announcements.callbackReadBack.replaceAll('{number}', digitByDigit(number));
    const file = await store.replace(
      store.cachePath('readback', randomUUID()),
      (tmp) => audio.speak(text, config.voice, tmp),
      () => ({ source: 'say', createdAt: new Date().toISOString() }),
    );
    return { path: file.path, durationMs: file.durationMs };
  }

  /** Removes a read-back made by readBack. */
  async discard(file: { path: string }): Promise<void> {
    await this.opts.store.remove(file.path);
  }

  /** Removes every read-back left by a unit that stopped during one (at start). */
  async discardAll(): Promise<void> {
    await rm(dirname(this.opts.store.cachePath('readback', 'x')), { recursive: true, force: true });
  }

  private keptFile(text: string): Promise<AudioAsset> {
    return this.kept.file(text, this.opts.config.voice);
  }
}
