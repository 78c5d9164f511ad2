/**
 * Carries out the core's call-back offer (SPEC R4, R8; issue 20 item 2; src/core/desk/callback-offer.ts): each
 * step becomes a prompt the waiting caller hears (then hold audio), and the goodbye a farewell after which the SIP
 * line hangs up. A prompt that cannot be made is logged and the caller hears hold audio instead; a goodbye that
 * fails still ends the call (a plain hang-up). The read-back names the caller's number: it is removed as soon as
 * the call moves on (another step, or the call ends), with the long files the SIP line composed with it.
 */
import type { Effect } from '../../core/effects.ts';
import type { Logger } from '../../ports/logger.ts';
import type { PromptFile, SipLine } from '../../ports/sip-line.ts';

/** The files of the dialogue (src/app/greetings/callback-prompts.ts). */
export interface CallbackPromptSource {
  /** `withMessage`: the offer that also says "按 3 留言". */
  offer(withMessage?: boolean): Promise<PromptFile>;
  readBack(number: string): Promise<PromptFile>;
  goodbye(): Promise<PromptFile>;
  discard(file: PromptFile): Promise<void>;
}

export interface CallbackOffersDeps {
  sip: Pick<SipLine, 'prompt' | 'farewell' | 'hangup' | 'discardPrompt'>;
  prompts?: CallbackPromptSource;
  logger: Logger;
}

type CallbackEffect = Extract<Effect, { type: 'callback' }>;

export class CallbackOffers {
  /** The read-back made for each call, until the call moves on. */
  private readonly readBacks = new Map<string, PromptFile>();

  constructor(private readonly deps: CallbackOffersDeps) {}

  async carryOut(effect: CallbackEffect): Promise<void> {
    const { callId, step, number, withMessage = false } = effect;
    const { sip, logger } = this.deps;
    this.discard(callId);
    try {
      if (step === 'goodbye') return await this.farewell(callId);
      const file = step === 'keep-holding' ? null : await this.file(callId, step === 'offer' ? 'offer' : 'read-back', number, withMessage);
      if (file && step === 'read-back') this.readBacks.set(callId, file);
      await sip.prompt(callId, file);
    } catch (err) {
      logger.warn({ err, callId, step }, 'call-back offer: prompt not played');
    }
  }

  /** The call ended: its read-back goes. */
  closed(callId: string): void {
    this.discard(callId);
  }

  private async farewell(callId: string): Promise<void> {
    const { sip, logger } = this.deps;
    const file = await this.file(callId, 'goodbye', '');
    try {
      await sip.farewell(callId, file);
    } catch (err) {
      logger.warn({ err, callId }, 'goodbye not played: hanging up');
      await sip.hangup(callId);
    }
  }

  private async file(callId: string, what: 'offer' | 'read-back' | 'goodbye', number: string, withMessage = false): Promise<PromptFile | null> {
    const { prompts, logger } = this.deps;
    if (!prompts) return null;
    try {
      if (what === 'offer') return await prompts.offer(withMessage);
      if (what === 'goodbye') return await prompts.goodbye();
      return await prompts.readBack(number);
    } catch (err) {
      logger.error({ err, callId, what }, 'call-back prompt not made: the caller hears hold audio instead');
      return null;
    }
  }

  private discard(callId: string): void {
    const file = this.readBacks.get(callId);
    if (!file) return;
    this.readBacks.delete(callId);
    const { sip, prompts, logger } = this.deps;
    // The read-back and what the line composed with it (it names the caller's number: R11).
    Promise.all([prompts?.discard(file), sip.discardPrompt?.(file)]).catch((err: unknown) => logger.warn({ err, callId }, 'read-back file not removed'));
  }
}
