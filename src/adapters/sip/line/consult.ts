/**
 * Consult transfer (R13), the colleague's leg: the caller hears the announcement, then hold audio, with the
 * handset cut off (./audio-routes.ts), and the unit calls the colleague from a free line account of its own
 * (`uafind <account>` + `dial`; LineCalls.freeAccount). The leg is a call of the line (its account counts as busy)
 * but the core never sees it as one: its events become `consult.ringing` / `consult.answered` / `consult.dtmf` /
 * `consult.ended` until ./bridge.ts joins it to the caller (then it is an ordinary call of the line).
 * - baresip 1.0.0's `dial` reply names no Call-ID: the first outgoing call event on the leg's account with an
 *   unknown Call-ID is the leg (one consult dial per account at a time). A leg named by no event within
 *   sip.transferTimeoutMs (no provisional response) is given up: `consult` rejects and ../orphan-dial.ts hangs it up.
 * - not answered within sip.transferTimeoutMs of the dial: the leg is hung up, `consult.ended` `no-answer`.
 * - answered: `receptionist` gives the leg the handset's devices (the caller stays on hold audio); `unit` plays
 *   `whisper` once to the colleague with the earpiece muted, then silence (AudioRoutes.playOnce: a long-play file
 *   that cannot run dry before the switch, as an aufile source that runs out hangs the call up); the colleague's
 *   keys come as `consult.dtmf`.
 * - ended before the bridge: 486/600 busy, 603 declined, another answer refused, the colleague's BYE hangup; the
 *   desk's `endConsult` cancelled; the stack losing it lost. The caller's call is never touched by any of it.
 * Hang-ups of the leg are sent only once `callfind` found it (CallLink.destructive).
 */
import { SipError, SipTimeoutError } from '../../../core/errors.ts';
import type { ConsultEndReason } from '../../../core/events.ts';
import type { Logger } from '../../../ports/logger.ts';
import type { ConsultRequest, SipLineEvent } from '../../../ports/sip-line.ts';
import { SILENT_SOURCE, type AudioDevices } from '../baresip-config.ts';
import { dialReplyCallId } from '../call-list.ts';
import { consultEndReason, dtmfDigit, type BaresipEvent } from '../event-map.ts';
import { OrphanDial } from '../orphan-dial.ts';
import { MUTED_PLAYER, type AudioRoutes } from './audio-routes.ts';
import type { CallLink } from './call-link.ts';
import type { LineCalls } from './line-calls.ts';

/** Call events that may be the first to name an outgoing call (CALL_LOCAL_SDP carries no id in 1.0.0). */
const OUTGOING_FIRST = new Set(['CALL_RINGING', 'CALL_PROGRESS', 'CALL_ESTABLISHED', 'CALL_CLOSED']);

type LegState = 'dialling' | 'ringing' | 'answered';

/** A consult leg before it is bridged. */
export interface Leg {
  callId: string;
  /** The leg's Call-ID, once an event named it. */
  legId: string | null;
  aor: string;
  to: ConsultRequest;
  state: LegState;
  /** Why the unit ended the leg (set before it hangs up): wins over what the stack says. */
  endedBy: ConsultEndReason | null;
  noAnswer: NodeJS.Timeout;
  named: { resolve: (legId: string) => void; reject: (err: Error) => void } | null;
}

export interface ConsultsDeps {
  calls: LineCalls;
  link: CallLink;
  audio: AudioRoutes;
  handset: () => AudioDevices;
  transferTimeoutMs: number;
  log: Logger;
  emit(event: SipLineEvent): void;
  /** False on baresip 1.1 and later, whose audio switches reach every call: no bridge possible (README). */
  perCallAudio(): boolean;
}

export class Consults {
  /** Legs by Call-ID, once named. */
  private readonly legs = new Map<string, Leg>();
  /** Legs dialled and not yet named, by account. */
  private readonly pending = new Map<string, Leg>();
  private readonly orphans = new Map<string, OrphanDial>();

  constructor(private readonly deps: ConsultsDeps) {}

  async consult(callId: string, to: ConsultRequest): Promise<string> {
    const { calls, link, audio, log } = this.deps;
    if (!this.deps.perCallAudio()) {
      throw new SipError('consult transfer needs per-account audio switching (baresip 1.0); this baresip switches every call at once');
    }
    if (calls.phase(callId) !== 'established') throw new SipError(`no answered call with id ${callId} (consult)`);
    if ([...this.legs.values(), ...this.pending.values()].some((l) => l.callId === callId)) {
      throw new SipError(`call ${callId} already has a consult call in progress`);
    }
    const aor = calls.freeAccount(calls.aorOf(callId));
    if (!aor || this.pending.has(aor) || this.orphans.has(aor)) throw new SipError('no free line for the consult call (every other line is in use)');
    // The caller: announcement, then hold audio, handset cut off both ways. Done before the dial, so the
    // handset is never joined to the colleague and the caller at once.
    await audio.playMuted(callId, 'consult', to.announcement);
    if (!calls.has(callId)) throw new SipError(`call ${callId} ended before the consult call was placed`);

    const ms = this.deps.transferTimeoutMs;
    let leg!: Leg;
    const named = new Promise<string>((resolve, reject) => {
      leg = {
        callId,
        legId: null,
        aor,
        to,
        state: 'dialling',
        endedBy: null,
        named: { resolve, reject },
        noAnswer: setTimeout(() => this.noAnswer(leg), ms),
      };
    });
    this.pending.set(aor, leg);
    try {
      const replies = await link.enqueue(async () => {
        const ctrl = link.ctrl;
        if (!ctrl) throw new SipError(`SIP line is not started (consult ${to.uri})`);
        return ctrl.sendAll([['uafind', aor], ['dial', to.uri]]);
      });
      const dialled = replies[1];
      if (dialled?.status !== 'fulfilled') throw (dialled?.reason as Error | undefined) ?? new SipError(`no reply to dial ${to.uri}`);
      // baresip 1.1 names the call in its reply (1.0.0 does not: the first event does).
      const id = dialReplyCallId(dialled.value);
      if (id && leg.named) leg.legId = id;
    } catch (err) {
      this.forgetPending(leg);
      clearTimeout(leg.noAnswer);
      leg.named = null;
      throw err;
    }
    log.info({ callId, account: aor, announce: to.announce }, 'consult call placed');
    return named;
  }

  /** Ends leg `legId` of caller `callId` (the desk took the caller back): `consult.ended` `cancelled` follows. */
  async endConsult(callId: string, legId: string): Promise<void> {
    const leg = this.legs.get(legId);
    if (!leg || leg.callId !== callId) throw new SipError(`no consult call ${legId} for call ${callId}`);
    await this.hangUp(leg, 'cancelled');
  }

  /** The answered leg `legId` of `callId`, taken out of consult handling for the bridge (throws if it is not). */
  answeredLeg(callId: string, legId: string): Leg {
    const leg = this.legs.get(legId);
    if (!leg || leg.callId !== callId) throw new SipError(`no consult call ${legId} for call ${callId}`);
    if (leg.state !== 'answered') throw new SipError(`consult call ${legId} is not answered yet`);
    return leg;
  }

  /** The leg is bridged: from now on it is an ordinary call of the line (its events are no longer consult events). */
  bridged(legId: string): void {
    const leg = this.legs.get(legId);
    if (!leg) return;
    this.deps.audio.stop(legId);
    this.legs.delete(legId);
  }

  /** Whether `callId` is a consult leg not (yet) bridged. */
  isLeg(callId: string): boolean {
    return this.legs.has(callId);
  }

  /**
   * A baresip event: true when it was a consult leg's (or its orphan's): the line must not treat it as a call of
   * its own. Call before the line's own dispatch and before the dialler's adoption.
   */
  onEvent(ev: BaresipEvent): boolean {
    if (!ev.id) return false;
    const orphan = ev.accountaor ? this.orphans.get(ev.accountaor) : undefined;
    if (orphan?.onEvent(ev, (id) => this.deps.calls.has(id))) return true;
    let leg = this.legs.get(ev.id);
    if (!leg) leg = this.adopt(ev) ?? undefined;
    if (!leg) return false;
    const legId = ev.id;
    const { callId } = leg;
    // The leg's line account, so the core counts that line in use (no call rings into a bridged account).
    const line = this.deps.calls.lineOf(leg.aor);
    switch (ev.type) {
      case 'CALL_RINGING':
      case 'CALL_PROGRESS':
        if (leg.state === 'dialling') {
          leg.state = 'ringing';
          this.deps.emit({ type: 'consult.ringing', callId, legId, line });
        }
        return true;
      case 'CALL_ESTABLISHED':
        if (leg.state === 'answered') return true;
        if (leg.state === 'dialling') this.deps.emit({ type: 'consult.ringing', callId, legId, line });
        leg.state = 'answered';
        clearTimeout(leg.noAnswer);
        this.deps.calls.established(legId);
        this.deps.emit({ type: 'consult.answered', callId, legId, line });
        void this.routeAnswered(leg, legId);
        return true;
      case 'CALL_DTMF_START': {
        const digit = dtmfDigit(ev);
        if (digit && leg.state === 'answered') this.deps.emit({ type: 'consult.dtmf', callId, legId, digit });
        return true;
      }
      case 'CALL_CLOSED':
        this.end(leg, legId, leg.endedBy ?? (leg.state === 'answered' ? 'hangup' : consultEndReason(ev.param)), ev.param ?? '');
        return true;
      default:
        return true;
    }
  }

  /** The line closed leg `legId` itself (baresip gone, or no longer has it): `consult.ended` `lost`. */
  gone(legId: string, detail: string): void {
    const leg = this.legs.get(legId);
    if (leg) this.end(leg, legId, leg.endedBy ?? 'lost', detail);
  }

  /** Caller `callId` closed: its leg (if any) is hung up or given up, `consult.ended` `cancelled`. */
  callerClosed(callId: string): void {
    for (const leg of this.legs.values()) {
      if (leg.callId === callId) void this.hangUp(leg, 'cancelled').catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message, callId }, 'consult call not hung up after the caller left'));
    }
    for (const leg of this.pending.values()) if (leg.callId === callId) this.giveUp(leg, new SipError(`call ${callId} closed before the consult call was answered`));
  }

  /** baresip exited: the legs went with it (the line closes them as lost); pending dials reject. */
  processGone(): void {
    for (const leg of this.legs.values()) leg.endedBy = 'lost';
    for (const leg of [...this.pending.values()]) this.giveUp(leg, new SipError('baresip exited before the consult call was placed'), false);
    for (const o of this.orphans.values()) o.onProcessGone();
    this.orphans.clear();
  }

  stop(): void {
    for (const leg of [...this.pending.values()]) this.giveUp(leg, new SipError('SIP line stopped'), false);
    for (const leg of this.legs.values()) clearTimeout(leg.noAnswer);
    this.legs.clear();
    for (const o of this.orphans.values()) o.stop();
    this.orphans.clear();
  }

  private adopt(ev: BaresipEvent): Leg | null {
    const leg = ev.accountaor ? this.pending.get(ev.accountaor) : undefined;
    if (!leg || !ev.id || ev.direction !== 'outgoing' || this.deps.calls.has(ev.id) || !OUTGOING_FIRST.has(ev.type)) return null;
    if (leg.legId && leg.legId !== ev.id) return null;
    this.pending.delete(leg.aor);
    leg.legId = ev.id;
    this.legs.set(ev.id, leg);
    this.deps.calls.add(ev.id, 'ringing', leg.aor);
    leg.named?.resolve(ev.id);
    leg.named = null;
    return leg;
  }

  private async routeAnswered(leg: Leg, legId: string): Promise<void> {
    const { link, log } = this.deps;
    try {
      if (leg.to.announce === 'receptionist') {
        const handset = this.deps.handset();
        await link.command(legId, 'consult', [['ausrc', handset.source], ['auplay', handset.player]]);
        return;
      }
      const whisper = leg.to.whisper;
      if (whisper) await this.deps.audio.playOnce(legId, 'consult whisper', whisper, [['auplay', MUTED_PLAYER]]);
      else await link.command(legId, 'consult', [['auplay', MUTED_PLAYER], ['ausrc', SILENT_SOURCE]]);
    } catch (err) {
      if (this.legs.has(legId)) log.error({ err: (err as Error).message, legId, announce: leg.to.announce }, 'consult call audio not switched after the answer');
    }
  }

  private noAnswer(leg: Leg): void {
    if (leg.state === 'answered') return;
    if (!leg.legId || leg.named) {
      // Never named (no provisional response): give it up and make sure baresip does not ring on.
      this.giveUp(leg, new SipTimeoutError(`${leg.to.uri} did not answer the consult call within ${this.deps.transferTimeoutMs} ms`));
      return;
    }
    void this.hangUp(leg, 'no-answer').catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message, legId: leg.legId }, 'unanswered consult call not hung up'));
  }

  /** A dial not named yet: `consult` rejects; if baresip may have the call, it is hung up as an orphan. */
  private giveUp(leg: Leg, err: Error, hangUp = true): void {
    clearTimeout(leg.noAnswer);
    this.forgetPending(leg);
    leg.named?.reject(err);
    leg.named = null;
    if (!hangUp) return;
    const { link } = this.deps;
    const orphan = new OrphanDial({
      line1Aor: leg.aor,
      log: this.deps.log,
      run: (commands) =>
        link.enqueue(async () => {
          const ctrl = link.ctrl;
          if (!ctrl?.isConnected) throw new SipError('baresip control link is down');
          return ctrl.sendAll(commands);
        }),
    });
    this.orphans.set(leg.aor, orphan);
    orphan.abandon(leg.to.uri, leg.legId);
    // Forget the orphan watch once it is done (polled: OrphanDial has no done event).
    const check = setInterval(() => {
      if (orphan.pending && this.orphans.get(leg.aor) === orphan) return;
      clearInterval(check);
      if (this.orphans.get(leg.aor) === orphan) this.orphans.delete(leg.aor);
    }, 250);
  }

  private forgetPending(leg: Leg): void {
    if (this.pending.get(leg.aor) === leg) this.pending.delete(leg.aor);
  }

  private async hangUp(leg: Leg, reason: ConsultEndReason): Promise<void> {
    if (!leg.legId) return;
    leg.endedBy ??= reason;
    this.deps.audio.stop(leg.legId);
    await this.deps.link.destructive(leg.legId, `consult ${reason}`, ['hangup']);
  }

  private end(leg: Leg, legId: string, reason: ConsultEndReason, detail: string): void {
    if (this.legs.get(legId) !== leg) return;
    this.legs.delete(legId);
    clearTimeout(leg.noAnswer);
    this.deps.audio.stop(legId);
    this.deps.calls.remove(legId);
    this.deps.log.info({ callId: leg.callId, legId, reason, detail }, 'consult call ended');
    this.deps.emit({ type: 'consult.ended', callId: leg.callId, legId, reason, detail });
  }
}
