/**
 * What a caller hears before leaving a voice message (R9, issue 20 item 3): the greeting that serves now, the
 * instruction ("请在提示音后留言…", config voiceMessages.instruction, spoken with the greetings' voice by espeak-ng
 * once and kept), and a tone; one WAV file (8 kHz mono 16-bit, as aufile plays) composed once per greeting and
 * instruction and kept under `<dataDir>/greetings/voice-message/`. A message is offered when the unit answers out of
 * hours (and, without the greeting, to a caller past the hold limit who presses 3): the greetings' out-of-hours band (which covers days off and today's mode `closed` or `lunch`, issue 20
 * item 5) or a holiday.
 * Config keys: voiceMessages.enabled, voiceMessages.instruction, greetings.voice (through the library).
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Voice } from '../../config/greetings-schema.ts';
import { readWavInfo, wavHeader, wavMs } from '../../adapters/sip/wav.ts';
import type { GreetingAudio } from '../../ports/greeting-audio.ts';
import type { PromptFile } from '../../ports/sip-line.ts';
import type { GreetingPick } from '../greetings/greeting-library.ts';
import type { GreetingStore } from '../greetings/greeting-store.ts';
import { SpokenOnce } from '../greetings/spoken-once.ts';

/** The tone: 1 kHz, 400 ms, after a short pause. */
export const TONE_HZ = 1000;
const TONE_MS = 400;
const GAP_MS = 300;
const RATE = 8000;

export interface MessagePromptDeps {
  greetingFor(instantMs: number): Promise<GreetingPick | null>;
  store: GreetingStore;
  audio: Pick<GreetingAudio, 'speak'>;
  settings(): { enabled: boolean; instruction: string; voice: Voice; declinedInstruction?: string };
}

/** Whether a caller answered with this greeting may leave a voice message: out of hours, or a holiday. */
export function offersMessage(pick: Pick<GreetingPick, 'band' | 'holiday'>): boolean {
  return pick.band === 'out-of-hours' || pick.holiday !== null;
}

export class MessagePrompt {
  private readonly making = new Map<string, Promise<PromptFile>>();

  private readonly instructions: SpokenOnce;

  constructor(private readonly deps: MessagePromptDeps) {
    this.instructions = new SpokenOnce(deps.store, deps.audio, 'voice-message', 'instruction-');
  }

  /** The file a caller answered at `instantMs` hears before the message, or null when no message is offered. */
  async voiceMessageFor(instantMs: number): Promise<PromptFile | null> {
    const settings = this.deps.settings();
    if (!settings.enabled) return null;
    const greeting = await this.deps.greetingFor(instantMs);
    if (greeting && !offersMessage(greeting)) return null;
    if (!greeting) {
      // No greeting file at all (built-ins not made): still offer the message after the instruction when it is
      // out of hours; the library cannot say so without a file, so no message is offered.
      return null;
    }
    const instruction = await this.instruction(settings.instruction, settings.voice);
    const st = await stat(greeting.path);
    return this.composeOnce(`${greeting.path}\n${st.size}\n${st.mtimeMs}\n${instruction.path}`, greeting, instruction);
  }

  /**
   * R4/R9: what a caller past the hold limit who pressed 3 hears before leaving the desk a voice message: the
   * out-of-hours instruction (voiceMessages.instruction) and the tone, without the greeting; made once and kept.
   */
  async forDesk(): Promise<PromptFile | null> {
    const settings = this.deps.settings();
    if (!settings.enabled) return null;
    const words = await this.instruction(settings.instruction, settings.voice);
    return this.composeOnce(`desk\n${words.path}`, null, words);
  }

  /**
   * R13: what a caller hears before leaving a voice message for colleague `name`, who declined the transfer
   * ("<name>现在不方便接听，请在提示音后留言…", then the tone); made once per name and kept.
   */
  async forColleague(name: string): Promise<PromptFile | null> {
    const settings = this.deps.settings();
    if (!settings.enabled || !settings.declinedInstruction) return null;
    const words = await this.instruction(settings.declinedInstruction.replaceAll('{name}', name.slice(0, 100)), settings.voice);
    return this.composeOnce(`colleague\n${words.path}`, null, words);
  }

  /** The prompt made of `greeting` (or none), `words` and the tone, made once for what `what` names and kept. */
  private composeOnce(what: string, greeting: PromptFile | null, words: PromptFile): Promise<PromptFile> {
    const key = createHash('sha256').update(what).digest('hex').slice(0, 16);
    let made = this.making.get(key);
    if (!made) {
      made = this.compose(key, greeting, words);
      this.making.set(key, made);
      made.catch(() => this.making.delete(key));
    }
    return made;
  }

  private instruction(text: string, voice: Voice): Promise<PromptFile> {
    return this.instructions.file(text, voice);
  }

  private async compose(key: string, greeting: PromptFile | null, instruction: PromptFile): Promise<PromptFile> {
    const path = this.deps.store.cachePath('voice-message', `prompt-${key}`);
    try {
      const buf = await readFile(path);
      const info = readWavInfo(buf, path);
      return { path, durationMs: wavMs(info, info.dataBytes) };
    } catch {
      // not made yet
    }
    const before = greeting ? [await pcm(greeting.path), silence(GAP_MS)] : [];
    const parts = [...before, await pcm(instruction.path), silence(GAP_MS), tone(TONE_HZ, TONE_MS)];
    const data = Buffer.concat(parts);
    await mkdir(join(path, '..'), { recursive: true, mode: 0o750 });
    const tmp = `${path}.tmp`;
    const fh = await open(tmp, 'w', 0o640);
    try {
      await fh.write(wavHeader({ sampleRate: RATE, channels: 1 }, data.length));
      await fh.write(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    return { path, durationMs: wavMs({ sampleRate: RATE, channels: 1 }, data.length) };
  }
}

/** The samples of an 8 kHz mono 16-bit WAV (the format the greeting store keeps). */
async function pcm(path: string): Promise<Buffer> {
  const buf = await readFile(path);
  const info = readWavInfo(buf, path);
  if (info.sampleRate !== RATE || info.channels !== 1) throw new Error(`${path}: ${info.sampleRate} Hz, ${info.channels} channels (8000 Hz mono expected)`);
  return buf.subarray(info.dataOffset, info.dataOffset + info.dataBytes);
}

function silence(ms: number): Buffer {
  return Buffer.alloc(((ms * RATE) / 1000) * 2);
}

/** A sine tone with 10 ms fades (no click). */
export function tone(hz: number, ms: number): Buffer {
  const n = (ms * RATE) / 1000;
  const fade = RATE / 100;
  const out = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    const env = Math.min(1, i / fade, (n - 1 - i) / fade);
    out.writeInt16LE(Math.round(10000 * env * Math.sin((2 * Math.PI * hz * i) / RATE)), i * 2);
  }
  return out;
}
