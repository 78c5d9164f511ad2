/**
 * What the caller hears, and what the earpiece plays. A call answered by the handset has the handset's devices.
 * A call answered by the unit (auto-answer R3, LINE 2 "please hold" R6), held (R4) or being transferred hears a
 * prompt, then hold audio, with the earpiece on a muted device; `resume` gives it the handset again.
 * baresip's aufile source hangs the call up when its file is spent, so what a caller hears is a long file
 * (./long-play.ts: the prompt, then the hold audio looped, or silence) switched again at a loop boundary that
 * leaves a wide margin: a switch that comes late (a loaded event loop) still lands before the end, and one that
 * fails is retried until it is sent or the call ends. Optional greeting at pick-up (R3): the greeting, then
 * silence, and the handset is connected at the greeting's end. On baresip 1.1 the switches are fitted by
 * ../shared-audio.ts.
 */
import type { Logger } from '../../../ports/logger.ts';
import type { HoldPrompts, PromptFile } from '../../../ports/sip-line.ts';
import { SILENT_PLAYER, SILENT_SOURCE, type AudioDevices } from '../baresip-config.ts';
import type { SharedAudio } from '../shared-audio.ts';
import type { Answerer } from './answer.ts';
import type { CallLink, Command, CtrlLink } from './call-link.ts';
import type { LongPlayFile } from './long-play.ts';

/**
 * A file played as it is (no long-play file could be made of it) is switched this long before its end: aufile
 * hangs the call up when its file runs out.
 */
export const FILE_END_LEAD_MS = 300;
/** A switch that failed while the call is up is tried again this often, until the file's end. */
export const SWITCH_RETRY_MS = 1000;
export { SILENT_SOURCE };
/** An aubridge device nobody reads: a muted earpiece (every line account's own player). */
export const MUTED_PLAYER = SILENT_PLAYER;

export interface AudioRoutesDeps {
  link: CallLink;
  answerer: Answerer;
  shared: SharedAudio;
  handset: () => AudioDevices;
  prompts?: HoldPrompts;
  /** `prompt` once then `loop` repeated (silence without one), long enough for a late switch (./long-play.ts). */
  compose(prompt: PromptFile | null, loop: PromptFile | null): Promise<LongPlayFile | null>;
  log: Logger;
}

/**
 * A call with audio of its own, and the timer of its next switch (null: none due). `wholeUntil`: while the
 * prompt the unit answered with (the greeting, "please hold") plays, until this monotonic time (performance.now()),
 * a check-in does not cut it and a prompt waits for its end; 0 once anything else plays.
 */
interface Route {
  timer: NodeJS.Timeout | null;
  wholeUntil?: number;
}

export class AudioRoutes {
  /** Calls with audio of their own (held, prompted, greeted), each with its pending switch. */
  private readonly held = new Map<string, Route>();

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
   * R3, optional: answered from the handset, the caller first hears the greeting with the earpiece muted, then
   * silence; the handset is connected at the greeting's end (a late or failed switch leaves the caller in
   * silence a moment longer, never hung up). Resolves once the call is established; hold or hang-up during the
   * greeting cancel the switch. `prompt`: another file than the greeting (issue 20 item 4: the recording notice).
   */
  async greetThenConnect(callId: string, prompt?: () => Promise<PromptFile | null>): Promise<void> {
    const { link, answerer, prompts } = this.deps;
    const route: Route = { timer: null };
    this.held.set(callId, route);
    try {
      await answerer.accept(callId, 'answer', [['auplay', MUTED_PLAYER]]);
    } catch (err) {
      this.forget(callId, route);
      throw err;
    }
    const greeting = prompt ? await prompt() : await prompts?.greetingFor(Date.now());
    if (!greeting) return this.resume(callId);
    const played = await this.longPlay(greeting, null);
    await link.enqueue(async () => {
      if (this.held.get(callId) !== route) return;
      await link.onCall(link.requireCtrl('greeting', callId), callId, 'greeting', [['ausrc', played ? `aufile,${played.path}` : SILENT_SOURCE]]);
      if (played) this.schedule(callId, route, played, 'handset after the greeting', (ctrl) => this.resumeOn(ctrl, callId));
    });
  }

  /**
   * Answer without the handset (the earpiece stays muted until `resume`): the caller hears `prompt`, then hold
   * audio. baresip fixes a ringing call's source when the INVITE arrives: switching it is only heard once the
   * call is up, so the prompt starts right after the answer (never before it).
   */
  answerWithPrompt(callId: string, label: string, prompt: () => Promise<PromptFile | null>): Promise<void> {
    const { link, answerer } = this.deps;
    const route: Route = { timer: null };
    this.held.set(callId, route);
    // The call's own source is silence from its INVITE on (the account's audio_source=): never the microphone.
    const answered = answerer.accept(callId, label, [['auplay', MUTED_PLAYER]]);
    return answered.then(
      () =>
        link.enqueue(async () => {
          const ctrl = link.requireCtrl(label, callId);
          const file = await prompt();
          await this.playOnCall(ctrl, callId, route, file);
          // What the unit answered with is heard whole (R3: a greeting longer than holdCheckInMs included).
          if (file) route.wholeUntil = performance.now() + file.durationMs;
        }),
      (err: unknown) => {
        this.forget(callId, route);
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
      const route = this.newRoute(callId);
      await this.playOnCall(ctrl, callId, route, null, [['auplay', MUTED_PLAYER]]);
    });
  }

  resume(callId: string): Promise<void> {
    const { link } = this.deps;
    return link.enqueue(() => this.resumeOn(link.requireCtrl('resume', callId), callId));
  }

  /**
   * A held caller hears `file` once, then hold audio again; nothing for a call not held, nor for one still
   * hearing what the unit answered with (R4: the check-in thanks would cut the greeting; the next one comes).
   */
  announce(callId: string, what: string, file: () => Promise<PromptFile | null | undefined>): Promise<void> {
    const { link, log } = this.deps;
    return link.enqueue(async () => {
      const route = this.held.get(callId);
      if (!route) return;
      const leftMs = wholeLeftMs(route);
      if (leftMs > 0) {
        log.debug({ callId, what, leftMs: Math.round(leftMs) }, 'announcement left out: the caller still hears the answer prompt');
        return;
      }
      const f = await file();
      if (!f) return;
      await this.playOnCall(link.requireCtrl(`announce ${what}`, callId), callId, route, f);
    });
  }

  /**
   * R4 (the call-back offer): a caller with audio of their own (held, or answered by the unit) hears `file` once,
   * then hold audio; null: hold audio again at once. Nothing for a call not waiting (the handset has it).
   */
  async prompt(callId: string, label: string, file: PromptFile | null): Promise<void> {
    const { link } = this.deps;
    const waitMs = await link.enqueue(async () => {
      const route = this.held.get(callId);
      if (!route) return 0;
      const leftMs = wholeLeftMs(route);
      if (leftMs > 0) return leftMs;
      await this.playOnCall(link.requireCtrl(label, callId), callId, route, file);
      return 0;
    });
    // Still hearing what the unit answered with: this prompt follows it (prompts asked meanwhile keep their order).
    if (waitMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      await this.prompt(callId, label, file);
    }
  }

  /** The caller hears `file` (hold audio without one) with the handset muted, then hold audio: queued. */
  playMuted(callId: string, label: string, file: PromptFile | null): Promise<void> {
    const { link } = this.deps;
    return link.enqueue(async () => {
      const ctrl = link.requireCtrl(label, callId);
      const route = this.newRoute(callId);
      await this.playOnCall(ctrl, callId, route, file, [['auplay', MUTED_PLAYER]]);
    });
  }

  /**
   * `file` once, then silence, with `extra` commands in the same write (e.g. the earpiece muted): for a call that
   * must hear a prompt without hold audio after it (R13: the whisper to a colleague). Queued; the switch to the
   * line's silent source at the file's end cannot hang the call up when it comes late.
   */
  playOnce(callId: string, label: string, file: PromptFile, extra: Command[] = []): Promise<void> {
    const { link } = this.deps;
    return link.enqueue(async () => {
      const ctrl = link.requireCtrl(label, callId);
      const route = this.newRoute(callId);
      const played = await this.longPlay(file, null);
      await link.onCall(ctrl, callId, label, [...extra, ['ausrc', played ? `aufile,${played.path}` : SILENT_SOURCE]]);
      if (played) this.schedule(callId, route, played, `${label} silence after the prompt`, (c) => link.onCall(c, callId, label, [['ausrc', SILENT_SOURCE]]));
    });
  }

  /** The call no longer has audio of its own (handset, or gone): its pending switch is cancelled. */
  stop(callId: string): void {
    const route = this.held.get(callId);
    if (route) this.forget(callId, route);
  }

  stopAll(): void {
    for (const id of [...this.held.keys()]) this.stop(id);
  }

  /** Whether the call has audio of its own (held, prompted, greeted): for checks and tests. */
  hasOwnAudio(callId: string): boolean {
    return this.held.has(callId);
  }

  /** The handset takes the call (in the command queue). */
  private async resumeOn(ctrl: CtrlLink, callId: string): Promise<void> {
    const { link, shared } = this.deps;
    this.stop(callId);
    const audio = this.deps.handset();
    // 1.1: the handset takes this call, so any other call with audio of its own is muted first.
    await link.onCall(ctrl, callId, 'resume', [...shared.takeDevicesFor(callId), ['ausrc', audio.source], ['auplay', audio.player]]);
  }

  private newRoute(callId: string): Route {
    this.stop(callId);
    const route: Route = { timer: null };
    this.held.set(callId, route);
    return route;
  }

  private forget(callId: string, route: Route): void {
    if (route.timer) clearTimeout(route.timer);
    route.timer = null;
    if (this.held.get(callId) === route) this.held.delete(callId);
  }

  /** What a held caller hears between announcements: the hold audio file, or silence without one. */
  private async holdSource(): Promise<PromptFile | null> {
    return (await this.deps.prompts?.holdMusic()) ?? null;
  }

  /**
   * The long-play file of `prompt` then `loop`; when none can be made of them (not a WAV aufile can play, formats
   * that differ), the one file as it is, switched shortly before its end as before, said loudly.
   */
  private async longPlay(prompt: PromptFile | null, loop: PromptFile | null): Promise<LongPlayFile | null> {
    try {
      return await this.deps.compose(prompt, loop);
    } catch (err) {
      const file = prompt ?? loop;
      this.deps.log.error({ err: (err as Error).message, file: file?.path }, 'long-play audio not made: the file is played as it is, and a late switch can hang the call up');
      if (!file) return null;
      return { path: file.path, durationMs: file.durationMs, switchAtMs: Math.max(0, file.durationMs - FILE_END_LEAD_MS), then: prompt && loop ? 'hold' : prompt ? 'silence' : 'hold' };
    }
  }

  /**
   * Switch a held (or auto-answered) call's source to `prompt` then hold audio (hold audio alone for null;
   * silence without hold audio), with `extra` commands in the same write; at the file's switch point, the hold
   * audio again from its start (or, with no hold audio, the line's silent source).
   */
  private async playOnCall(ctrl: CtrlLink, callId: string, route: Route, prompt: PromptFile | null, extra: Command[] = []): Promise<void> {
    const { link } = this.deps;
    if (route.timer) clearTimeout(route.timer);
    route.timer = null;
    route.wholeUntil = 0;
    const played = await this.longPlay(prompt, await this.holdSource());
    await link.onCall(ctrl, callId, 'audio', [...extra, ['ausrc', played ? `aufile,${played.path}` : SILENT_SOURCE]]);
    if (!played) return;
    this.schedule(callId, route, played, 'hold audio', (now) =>
      played.then === 'hold' ? this.playOnCall(now, callId, route, null) : link.onCall(now, callId, 'audio', [['ausrc', SILENT_SOURCE]]),
    );
  }

  /**
   * Runs `next` (in the command queue) at `played`'s switch point, counted from now (the file has just started).
   * It is confirmed by baresip's reply; one that fails while the call is up is tried again every SWITCH_RETRY_MS
   * until the file's end. A call that left this route (resumed, held anew, gone) cancels it.
   */
  private schedule(callId: string, route: Route, played: LongPlayFile, what: string, next: (ctrl: CtrlLink) => Promise<void>): void {
    const { link, log } = this.deps;
    const endsAt = performance.now() + played.durationMs;
    const attempt = (delayMs: number) => {
      const timer = setTimeout(() => {
        if (route.timer === timer) route.timer = null;
        link
          .enqueue(async () => {
            if (this.held.get(callId) !== route || route.timer !== null) return;
            const ctrl = link.ctrl;
            if (!ctrl?.isConnected) throw new Error('baresip control link is down');
            await next(ctrl);
          })
          .catch((err: unknown) => {
            if (this.held.get(callId) !== route || route.timer !== null || !link.knows(callId)) return;
            const leftMs = endsAt - performance.now();
            log.warn({ err: (err as Error).message, callId, leftMs: Math.round(leftMs) }, `${what} not switched: trying again`);
            if (leftMs > 0) attempt(Math.min(SWITCH_RETRY_MS, leftMs));
          });
      }, Math.max(0, delayMs));
      route.timer = timer;
    };
    attempt(played.switchAtMs);
  }
}

/** How long the prompt the unit answered with still plays on `route` (ms; 0 or less: it is over). */
function wholeLeftMs(route: Route): number {
  return (route.wholeUntil ?? 0) - performance.now();
}
