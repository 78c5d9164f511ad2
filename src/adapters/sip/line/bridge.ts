/**
 * The bridge (R13): caller and answered colleague joined inside baresip with `aubridge` devices, two per bridge:
 * the caller's player feeds `<tag>-c2l`, which is the colleague's source, and the colleague's player feeds
 * `<tag>-l2c`, the caller's source. baresip 1.0.0's `ausrc`/`auplay` switch every call of the *current account*
 * (and the global default): each side is selected (`uafind` + `callfind`) and switched on its own account, and a
 * consult call is only placed on an account with no other call (LineCalls.freeAccount). Every line account
 * offers PCMU/PCMA only, so both sides run at 8 kHz mono, which aubridge needs (it joins equal rates only).
 * The handset hears neither: its devices are on no bridged call. The switches are sent only once `callfind` has
 * found both calls.
 * While bridged, either side closing hangs up the other (`call.closed` for both: the one that left with its own
 * reason, the other `local`). Nothing is restored afterwards: the switches also change baresip's global default
 * devices, but every line account names its own source and player (baresip-config.ts), which new calls take.
 */
import { SipError } from '../../../core/errors.ts';
import type { Logger } from '../../../ports/logger.ts';
import type { AudioRoutes } from './audio-routes.ts';
import type { CallLink } from './call-link.ts';
import type { Consults } from './consult.ts';
import type { Hangups } from './hangups.ts';
import type { LineCalls } from './line-calls.ts';

export interface BridgesDeps {
  calls: LineCalls;
  link: CallLink;
  audio: AudioRoutes;
  consults: Consults;
  hangups: Hangups;
  log: Logger;
}

/** The aubridge device names of bridge `tag`: what the caller says and what the colleague says. */
export function bridgeDevices(tag: string): { callerToLeg: string; legToCaller: string } {
  return { callerToLeg: `aubridge,${tag}-c2l`, legToCaller: `aubridge,${tag}-l2c` };
}

export class Bridges {
  /** Each bridged call's other side. */
  private readonly other = new Map<string, string>();
  private count = 0;

  constructor(private readonly deps: BridgesDeps) {}

  async bridge(callId: string, legId: string): Promise<void> {
    const { calls, link, audio, consults, log } = this.deps;
    if (calls.phase(callId) !== 'established') throw new SipError(`no answered call with id ${callId} (bridge)`);
    consults.answeredLeg(callId, legId);
    const { callerToLeg, legToCaller } = bridgeDevices(`b${++this.count}`);
    const callerAor = calls.aorOf(callId);
    const legAor = calls.aorOf(legId);
    await link.enqueue(async () => {
      const ctrl = link.requireCtrl('bridge', callId);
      link.requireCtrl('bridge', legId);
      // Both calls found first; the switches go in a write of their own (each selected again).
      const found = await ctrl.sendAll([['uafind', callerAor], ['callfind', callId], ['uafind', legAor], ['callfind', legId]]);
      link.checkReplies(callId, 'bridge', [found[1] as PromiseSettledResult<string>]);
      link.checkReplies(legId, 'bridge', [found[3] as PromiseSettledResult<string>]);
      if (!calls.has(callId) || !consults.isLeg(legId)) throw new SipError(`call ${callId} or consult call ${legId} ended before the bridge`);
      // The caller's hold audio switch, and the colleague's switch to silence after the whisper (a key pressed
      // before the whisper ended), must not come back once joined: either would cut the bridge's audio.
      audio.stop(callId);
      audio.stop(legId);
      const replies = await ctrl.sendAll([
        ['uafind', callerAor], ['callfind', callId], ['auplay', callerToLeg], ['ausrc', legToCaller],
        ['uafind', legAor], ['callfind', legId], ['auplay', legToCaller], ['ausrc', callerToLeg],
      ]);
      link.checkReplies(callId, 'bridge', replies.slice(1, 4));
      link.checkReplies(legId, 'bridge', replies.slice(5, 8));
    }).catch(async (err: unknown) => {
      // Not joined: a caller still there goes back to hold audio (the leg is left as it was, or it ended).
      if (calls.has(callId)) await audio.hold(callId).catch((e: unknown) => log.error({ err: (e as Error).message, callId }, 'caller not put back on hold audio after a failed bridge'));
      throw err;
    });
    if (!consults.isLeg(legId) || !calls.has(callId)) {
      // One side left while the switches were sent: the other must not stay on a half bridge.
      if (calls.has(callId)) await audio.hold(callId);
      throw new SipError(`call ${callId} or consult call ${legId} ended while being bridged`);
    }
    consults.bridged(legId);
    this.other.set(callId, legId);
    this.other.set(legId, callId);
    log.info({ callId, legId, callerToLeg, legToCaller }, 'caller and colleague bridged');
  }

  /** Whether `callId` is one side of a bridge. */
  isBridged(callId: string): boolean {
    return this.other.has(callId);
  }

  /** A call closed: if it was bridged, the other side is hung up (and the devices restored once both are gone). */
  closed(callId: string): void {
    const other = this.other.get(callId);
    if (!other) return;
    this.other.delete(callId);
    const { calls, hangups, log } = this.deps;
    if (calls.has(other)) {
      log.info({ callId, other }, 'one side of a bridge left: hanging up the other');
      hangups.hangup(other).catch((err: unknown) => log.error({ err: (err as Error).message, callId: other }, 'other side of a bridge not hung up'));
      return;
    }
    this.other.delete(other);
  }

  /** baresip exited: every bridged call is closed as lost by the line, none is hung up. */
  clear(): void {
    this.other.clear();
  }
}
