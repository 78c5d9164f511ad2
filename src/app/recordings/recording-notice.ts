/**
 * What a caller hears before a recorded call (issue 20 item 4): config recording.notice ("本次通话可能会被录音"),
 * spoken with the greetings' voice by espeak-ng once per text and voice and kept under
 * `<dataDir>/greetings/recording/` like the unit's other announcements.
 * Config keys: recording.notice, greetings.voice.
 */
import type { Voice } from '../../config/greetings-schema.ts';
import type { GreetingAudio } from '../../ports/greeting-audio.ts';
import type { PromptFile } from '../../ports/sip-line.ts';
import type { GreetingStore } from '../greetings/greeting-store.ts';
import { SpokenOnce } from '../greetings/spoken-once.ts';

export interface RecordingNoticeDeps {
  store: GreetingStore;
  audio: Pick<GreetingAudio, 'speak'>;
  settings(): { notice: string; voice: Voice };
}

export class RecordingNotice {
  private readonly spoken: SpokenOnce;

  constructor(private readonly deps: RecordingNoticeDeps) {
    this.spoken = new SpokenOnce(deps.store, deps.audio, 'recording', 'notice-');
  }

  /** The notice's file (made at the first call, then kept). */
  notice(): Promise<PromptFile> {
    const { notice, voice } = this.deps.settings();
    return this.spoken.file(notice, voice);
  }
}
