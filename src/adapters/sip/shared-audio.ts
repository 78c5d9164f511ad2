/**
 * baresip 1.1's one set of audio devices for every call. Its `ausrc` and `auplay` switch every call of every
 * account (1.0.0: the current account's only), and its `accept` would put every other answered call on SIP hold
 * (the unit turns that off with `call_hold_other_calls no`). So on 1.1 at most one answered call has the
 * devices; the others are kept silent:
 * - answering a call SIP-holds the other answered calls of the same account, as 1.0.0's `accept` does itself
 *   (`hold <Call-ID>`: a SIP-held call sends no audio);
 * - the handset answering or taking back a call mutes every other answered call that still has audio (`mute`
 *   on the call `callfind` selected: it sends silence; no SIP signalling) and switches the handset's devices in;
 * - an audio switch for a call (a prompt, hold audio) while another answered call has the devices is left out
 *   and the call is muted instead: that caller hears silence rather than the prompt. Once it is the only answered
 *   call with audio, its switches go through again and it is unmuted (`mute` toggles);
 * - a switch to a file while another call still rings plays silence instead: 1.1 gives the ringing call that file
 *   too, and with its audio not started it spends the file at once and baresip hangs the ringing caller up ("end of
 *   file", measured with sipp). The next switch, once nothing rings, brings the file.
 * On 1.0 (`enabled` false) every method hands the commands back unchanged.
 */
import type { Logger } from '../../ports/logger.ts';
import { SILENT_SOURCE, type AudioDevices } from './baresip-config.ts';

type Command = [command: string, params?: string];

export interface SharedAudioDeps {
  /** The line's known calls and whether each is answered. */
  calls: ReadonlyMap<string, 'ringing' | 'established'>;
  /** The account (line) of a call. */
  aorOf(callId: string): string;
  /** The handset's devices. */
  handset(): AudioDevices;
  log: Logger;
}

const isAudio = ([c]: Command) => c === 'ausrc' || c === 'auplay';
const isFileSource = ([c, p]: Command) => c === 'ausrc' && (p ?? '').startsWith('aufile,');

export class SharedAudio {
  /** True for baresip 1.1 and later (set when the running baresip's version is known). */
  enabled = false;
  private readonly muted = new Set<string>();
  private readonly sipHeld = new Set<string>();

  constructor(private readonly deps: SharedAudioDeps) {}

  /** Commands to send before `accept` of `callId` (`handset`: the receptionist answers it). */
  beforeAccept(callId: string, handset: boolean): Command[] {
    if (!this.enabled) return [];
    return [...this.holdSameAccount(callId), ...(handset ? this.takeDevicesFor(callId) : [])];
  }

  /** Commands that give `callId` the handset's devices (before switching them in). */
  takeDevicesFor(callId: string): Command[] {
    if (!this.enabled) return [];
    const others = [...this.deps.calls].filter(([id, phase]) => id !== callId && this.hasAudio(id, phase)).map(([id]) => id);
    if (others.length === 0) return [];
    const audio = this.deps.handset();
    const commands: Command[] = [];
    for (const id of others) {
      this.deps.log.warn({ callId: id }, 'baresip 1.1 switches audio for every call: this call is muted while the handset takes another');
      this.muted.add(id);
      commands.push(['callfind', id], ['mute']);
    }
    return [...commands, ['callfind', callId], ['ausrc', audio.source], ['auplay', audio.player]];
  }

  /** `commands` for `callId` (selected with `callfind`) with their audio switches fitted to the rule above. */
  fit(callId: string, commands: Command[]): Command[] {
    if (!this.enabled || !commands.some(isAudio)) return commands;
    const others = [...this.deps.calls].some(([id, phase]) => id !== callId && this.hasAudio(id, phase));
    if (others) {
      const rest = commands.filter((c) => !isAudio(c));
      if (this.muted.has(callId)) return rest;
      this.deps.log.warn({ callId }, 'baresip 1.1 switches audio for every call: this call is muted while another call is up');
      this.muted.add(callId);
      return [...rest, ['mute']];
    }
    const fitted: Command[] = this.muted.delete(callId) ? [...commands, ['mute']] : commands;
    const ringing = [...this.deps.calls].some(([id, phase]) => id !== callId && phase === 'ringing');
    if (!ringing || !fitted.some(isFileSource)) return fitted;
    this.deps.log.warn({ callId }, 'baresip 1.1 switches audio for every call: silence instead of a file while another call rings');
    return fitted.map((c): Command => (isFileSource(c) ? ['ausrc', SILENT_SOURCE] : c));
  }

  forget(callId: string): void {
    this.muted.delete(callId);
    this.sipHeld.delete(callId);
  }

  clear(): void {
    this.muted.clear();
    this.sipHeld.clear();
  }

  private holdSameAccount(callId: string): Command[] {
    const aor = this.deps.aorOf(callId);
    const same = [...this.deps.calls]
      .filter(([id, phase]) => id !== callId && phase === 'established' && this.deps.aorOf(id) === aor && !this.sipHeld.has(id))
      .map(([id]) => id);
    for (const id of same) this.sipHeld.add(id);
    return same.map((id): Command => ['hold', id]);
  }

  /** An answered call that has the devices: not muted or SIP-held here. */
  private hasAudio(id: string, phase: string): boolean {
    return phase === 'established' && !this.muted.has(id) && !this.sipHeld.has(id);
  }
}
