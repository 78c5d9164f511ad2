/**
 * What the caller hears, and what the earpiece plays. A call answered by the handset has the handset's devices.
 * A call answered by the unit (auto-answer R3, LINE 2 "please hold" R6), held (R4) or being transferred hears a
 * prompt file, then hold audio, with the earpiece on a muted device; `resume` gives it the handset again.
 * baresip's aufile source hangs the call up when its file ends, so a file source is switched (to the hold audio,
 * which restarts itself the same way) shortly before its end. Optional greeting at pick-up (R3): the handset is
 * connected just before the greeting ends. On baresip 1.1 the switches are fitted by ../shared-audio.ts.
 */
import type { Logger } from '../../../ports/logger.ts';
import type { HoldPrompts, PromptFile } from '../../../ports/sip-line.ts';
import { SILENT_PLAYER, SILENT_SOURCE, type AudioDevices } from '../baresip-config.ts';
import type { SharedAudio } from '../shared-audio.ts';
import type { Answerer } from './answer.ts';
import type { CallLink, Command, CtrlLink } from './call-link.ts';

/** Switch a file source this long before its end: aufile hangs the call up when its file runs out. */
export const FILE_END_LEAD_MS = 300;
export { SILENT_SOURCE };
/** An aubridge device nobody reads: a muted earpiece (every line account's own player). */
export const MUTED_PLAYER = SILENT_PLAYER;

export interface AudioRoutesDeps {
  link: CallLink;
  answerer: Answerer;
  shared: SharedAudio;
  handset: () => AudioDevices;
  prompts?: HoldPrompts;
  log: Logger;
}

export class AudioRoutes {
  /** Calls with audio of their own (held, prompted), with the timer that switches their audio before a file ends. */
  private readonly held = new Map<string, NodeJS.Timeout | null>();

  constructor(private readonly deps: AudioRoutesDeps) {}

  /**
   * Answered from the handset: every call starts with its account's silent source and muted player, so once it
   * is established the handset's microphone and earpiece are switched in.
   */
  async answerWithHandset(callId: string): Promise<void> {
    const { link, answerer, log } = this.deps;
    await answerer.accept(callId, 'answer', []);
    const audio = this.deps.handset();
    // The call is answered either way (the core learns of its end from call.closed); a switch that fails on a
    // call still up leaves the caller hearing silence: said loudly.
    await link.command(callId, 'answer', [['ausrc', audio.source], ['auplay', audio.player]]).catch((err: unknown) => {
      if (link.knows(callId)) log.error({ err: (err as Error).message, callId }, 'handset not switched in after the answer');
    });
  }

  /**
   * R3, optional: answered from the handset, the caller first hears the greeting with the earpiece muted; the
   * handset is connected just before the file ends (the end of an aufile source would hang the call up).
   * Resolves once the call is established; hold or hang-up during the greeting cancel the switch.
   */
  async greetThenConnect(callId: string): Promise<void> {
    const { link, answerer, prompts, log } = this.deps;
    this.held.set(callId, null);
    try {
      await answerer.accept(callId, 'answer', [['auplay', MUTED_PLAYER]]);
    } catch (err) {
      this.held.delete(callId);
      throw err;
    }
    const greeting = await prompts?.greetingFor(Date.now());
    if (!greeting) return this.resume(callId);
    await link.enqueue(async () => {
      await link.onCall(link.requireCtrl('greeting', callId), callId, 'greeting', [['ausrc', `aufile,${greeting.path}`]]);
    });
    const timer = setTimeout(() => {
      if (this.held.get(callId) !== timer) return;
      this.resume(callId).catch((err: unknown) => log.warn({ err: (err as Error).message, callId }, 'handset not connected after the greeting'));
    }, Math.max(0, greeting.durationMs - FILE_END_LEAD_MS));
    this.held.set(callId, timer);
  }

  /**
   * Answer without the handset (the earpiece stays muted until `resume`): the caller hears `prompt`, then hold
   * audio. baresip fixes a ringing call's source when the INVITE arrives: switching it is only heard once the
   * call is up, so the prompt starts right after the answer (never before it).
   */
  answerWithPrompt(callId: string, label: string, prompt: () => Promise<PromptFile | null>): Promise<void> {
    const { link, answerer } = this.deps;
    this.held.set(callId, null);
    // The call's own source is silence from its INVITE on (the account's audio_source=): never the microphone.
    const answered = answerer.accept(callId, label, [['auplay', MUTED_PLAYER]]);
    return answered.then(
      () =>
        link.enqueue(async () => {
          const ctrl = link.requireCtrl(label, callId);
          await this.playOnCall(ctrl, callId, (await prompt()) ?? (await this.holdSource()));
        }),
      (err: unknown) => {
        this.held.delete(callId);
        throw err;
      },
    );
  }

  /**
   * R4 hold without SIP hold (baresip 1.0.0 sends no audio on a SIP-held call): the caller's audio source
   * becomes the hold audio and the earpiece a muted device, so the handset is cut off both ways.
   */
  hold(callId: string): Promise<void> {
    const { link } = this.deps;
    return link.enqueue(async () => {
      const ctrl = link.requireCtrl('hold', callId);
      this.held.set(callId, null);
      await this.playOnCall(ctrl, callId, await this.holdSource(), [['auplay', MUTED_PLAYER]]);
    });
  }

  resume(callId: string): Promise<void> {
    const { link, shared } = this.deps;
    return link.enqueue(async () => {
      const ctrl = link.requireCtrl('resume', callId);
      this.stop(callId);
      const audio = this.deps.handset();
      // 1.1: the handset takes this call, so any other call with audio of its own is muted first.
      await link.onCall(ctrl, callId, 'resume', [...shared.takeDevicesFor(callId), ['ausrc', audio.source], ['auplay', audio.player]]);
    });
  }

  /** A held caller hears `file` once, then hold audio again; nothing for a call not held. */
  announce(callId: string, what: string, file: () => Promise<PromptFile | null | undefined>): Promise<void> {
    const { link } = this.deps;
    return link.enqueue(async () => {
      if (!this.held.has(callId)) return;
      const f = await file();
      if (!f) return;
      await this.playOnCall(link.requireCtrl(`announce ${what}`, callId), callId, f);
    });
  }

  /** The caller hears `file` (hold audio without one) with the handset muted: queued. */
  playMuted(callId: string, label: string, file: PromptFile | null): Promise<void> {
    const { link } = this.deps;
    return link.enqueue(async () => {
      const ctrl = link.requireCtrl(label, callId);
      this.held.set(callId, null);
      await this.playOnCall(ctrl, callId, file ?? (await this.holdSource()), [['auplay', MUTED_PLAYER]]);
    });
  }

  /** The call no longer has audio of its own (handset, or gone): its file switch is cancelled. */
  stop(callId: string): void {
    this.clearTimer(callId);
    this.held.delete(callId);
  }

  stopAll(): void {
    for (const id of [...this.held.keys()]) this.stop(id);
  }

  /** What a held caller hears between announcements: the hold audio file, or silence without one. */
  private async holdSource(): Promise<PromptFile | null> {
    return (await this.deps.prompts?.holdMusic()) ?? null;
  }

  /**
   * Switch a held (or auto-answered) call's source to `file` (silence for null), with `extra` commands in the
   * same write; before the file ends, switch back to the hold audio, which restarts itself the same way.
   */
  private async playOnCall(ctrl: CtrlLink, callId: string, file: PromptFile | null, extra: Command[] = []): Promise<void> {
    const { link, log } = this.deps;
    this.clearTimer(callId);
    await link.onCall(ctrl, callId, 'audio', [...extra, ['ausrc', file ? `aufile,${file.path}` : SILENT_SOURCE]]);
    if (!file) return;
    const timer = setTimeout(() => {
      void link
        .enqueue(async () => {
          const now = link.ctrl;
          if (this.held.get(callId) !== timer || !now) return;
          await this.playOnCall(now, callId, await this.holdSource());
        })
        .catch((err: unknown) => log.warn({ err: (err as Error).message, callId }, 'hold audio not switched'));
    }, Math.max(0, file.durationMs - FILE_END_LEAD_MS));
    this.held.set(callId, timer);
  }

  private clearTimer(callId: string): void {
    const timer = this.held.get(callId);
    if (timer) clearTimeout(timer);
  }
}
