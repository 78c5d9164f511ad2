/**
 * A text the unit speaks (espeak-ng) and keeps in the greeting store's cache under `kind`: made at its first use,
 * read back after a restart, made once however many calls ask at the same moment. The file name carries a hash of
 * the voice and the text, so a changed text is a new file.
 */
import { createHash } from 'node:crypto';
import type { Voice } from '../../config/greetings-schema.ts';
import type { GreetingAudio } from '../../ports/greeting-audio.ts';
import type { PromptFile } from '../../ports/sip-line.ts';
import type { GreetingStore } from './greeting-store.ts';

export class SpokenOnce {
  private readonly making = new Map<string, Promise<PromptFile>>();

  constructor(
    private readonly store: GreetingStore,
    private readonly audio: Pick<GreetingAudio, 'speak'>,
    private readonly kind: string,
    private readonly prefix = '',
  ) {}

  file(text: string, voice: Voice): Promise<PromptFile> {
    const key = createHash('sha256').update(`${voice}\n${text}`).digest('hex').slice(0, 16);
    let made = this.making.get(key);
    if (!made) {
      made = this.make(`${this.prefix}${key}`, text, voice);
      this.making.set(key, made);
      made.catch(() => this.making.delete(key));
    }
    return made;
  }

  private async make(name: string, text: string, voice: Voice): Promise<PromptFile> {
    const path = this.store.cachePath(this.kind, name);
    const file =
      (await this.store.read(path)) ??
      (await this.store.replace(path, (tmp) => this.audio.speak(text, voice, tmp), () => ({ source: 'say', text, voice, createdAt: new Date().toISOString() })));
    return { path: file.path, durationMs: file.durationMs };
  }
}
