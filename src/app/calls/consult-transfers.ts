/**
 * R13 consult transfers, carried out for the desk unit: the core's `consult`, `bridge` and `endConsult` effects
 * become SIP line commands, and what comes of them goes back to the core as events (`consult.placed` once the line
 * dialled, `bridge.up` once joined, `consult.ended` when the line would not dial or the join failed). Whatever
 * fails here, the caller's own call is never touched: it stays on hold audio at the desk.
 *
 * The unit's whisper to the colleague names the caller ("<name or number> 来电，按 1 接通，按 2 请对方留言"): its file
 * holds personal data and is removed as soon as the consult call is over.
 */
import type { Effect } from '../../core/effects.ts';
import type { CoreEvent } from '../../core/events.ts';
import type { Logger } from '../../ports/logger.ts';
import type { PromptFile, SipLine } from '../../ports/sip-line.ts';

export interface ConsultPrompts {
  /** "Transferring you to <label>" for the caller (null or absent: hold audio at once). */
  transferAnnouncement?: (label: string) => Promise<PromptFile | null>;
  /** What the unit whispers to the colleague about `caller` (name or number, null when unknown). */
  whisper?: (caller: string | null) => Promise<PromptFile | null>;
  /** Removes a whisper file once its consult call is over. */
  discardWhisper?: (file: PromptFile) => Promise<void>;
}

export interface ConsultTransfersDeps {
  sip: SipLine;
  logger: Logger;
  prompts: ConsultPrompts;
  dispatch: (event: CoreEvent) => void;
}

type ConsultEffect = Extract<Effect, { type: 'consult' }>;

export class ConsultTransfers {
  /** The whisper file of each caller's consult in progress, removed when it is over. */
  private readonly whispers = new Map<string, PromptFile>();

  constructor(private readonly deps: ConsultTransfersDeps) {}

  /** The unit calls the colleague; the caller hears the announcement, then hold audio. */
  async start(effect: ConsultEffect): Promise<void> {
    const { callId, target, announce } = effect;
    const log = this.deps.logger;
    const announcement = await this.prompt('transfer announcement', () => this.deps.prompts.transferAnnouncement?.(target.label), callId);
    const whisper = announce === 'unit' ? await this.prompt('whisper', () => this.deps.prompts.whisper?.(effect.caller), callId) : null;
    if (whisper) this.whispers.set(callId, whisper);
    try {
      const legId = await this.deps.sip.consult(callId, { uri: target.uri, announcement, announce, whisper });
      log.info({ callId, legId, target: target.label, announce }, 'consult call placed');
      this.deps.dispatch({ type: 'consult.placed', callId, legId });
    } catch (err) {
      const detail = (err as Error).message;
      log.warn({ callId, target: target.label, detail }, 'consult call not placed: the caller stays on hold at the desk');
      this.over(callId);
      this.deps.dispatch({ type: 'consult.ended', callId, legId: '', reason: 'refused', detail });
    }
  }

  /** Joins caller and colleague; a join that fails ends the leg and the caller stays on hold. */
  async bridge(callId: string, legId: string): Promise<void> {
    try {
      await this.deps.sip.bridge(callId, legId);
      this.deps.logger.info({ callId, legId }, 'caller and colleague joined');
      this.over(callId);
      this.deps.dispatch({ type: 'bridge.up', callId, legId });
    } catch (err) {
      const detail = `the join failed: ${(err as Error).message}`;
      this.deps.logger.error({ err, callId, legId }, 'bridge failed: the consult call ends, the caller stays on hold');
      this.deps.dispatch({ type: 'consult.ended', callId, legId, reason: 'refused', detail });
      await this.end(callId, legId);
    }
  }

  /** Ends the consult call only. A leg the line already ended is no fault. */
  async end(callId: string, legId: string): Promise<void> {
    this.over(callId);
    try {
      await this.deps.sip.endConsult(callId, legId);
    } catch (err) {
      this.deps.logger.info({ callId, legId, reason: (err as Error).message }, 'consult call already over');
    }
  }

  /** The consult for `callId` is over (ended, refused or joined): its whisper file goes, and what the line made from it. */
  over(callId: string): void {
    const file = this.whispers.get(callId);
    if (!file) return;
    this.whispers.delete(callId);
    Promise.all([this.deps.prompts.discardWhisper?.(file), this.deps.sip.discardPrompt?.(file)]).catch((err: unknown) =>
      this.deps.logger.warn({ err, callId }, 'whisper file not removed'),
    );
  }

  private async prompt(what: string, make: () => Promise<PromptFile | null> | undefined, callId: string): Promise<PromptFile | null> {
    try {
      return (await make()) ?? null;
    } catch (err) {
      this.deps.logger.warn({ err, callId }, `${what} not made: the transfer goes on without it`);
      return null;
    }
  }
}
