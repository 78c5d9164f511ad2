/**
 * What a caller hears before a recorded call (issue 20 item 4): config recording.notice ("本次通话可能会被录音"),
 * spoken with the greetings' voice by espeak-ng once per text and voice and kept under
 * `<dataDir>/greetings/recording/` like the unit's other announcements.
 * Config keys: recording.notice, greetings.voice.
 */
import { createHash } from 'node:crypto';
import type { Voice } from '../../config/greetings-schema.ts';
import type { GreetingAudio } from '../../ports/greeting-audio.ts';
import type { PromptFile } from '../../ports/sip-line.ts';
import type { GreetingStore } from '../greetings/greeting-store.ts';

export interface RecordingNoticeDeps {
  store: GreetingStore;
  audio: Pick<GreetingAudio, 'speak'>;
  settings(): { notice: string; voice: Voice };
}

export class RecordingNotice {
  private readonly making = new Map<string, Promise<PromptFile>>();

  constructor(private readonly deps: RecordingNoticeDeps) {}

  /** The notice's file (made at the first call, then kept). */
  notice(): Promise<PromptFile> {
    const { notice, voice } = this.deps.settings();
    const key = createHash('sha256').update(`${voice}\n${notice}`).digest('hex').slice(0, 16);
    let made = this.making.get(key);
    if (!made) {
      made = this.make(key, notice, voice);
      this.making.set(key, made);
      made.catch(() => this.making.delete(key));
    }
    return made;
  }

  private async make(key: string, text: string, voice: Voice): Promise<PromptFile> {
    const { store, audio } = this.deps;
    const path = store.cachePath('recording', `notice-${key}`);
    const have = await store.read(path);
    if (have) return have;
    const made = await store.replace(path, (tmp) => audio.speak(text, voice, tmp), () => ({ source: 'say', createdAt: new Date().toISOString() }));
    return { path: made.path, durationMs: made.durationMs };
  }
}
