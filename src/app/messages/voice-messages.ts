/**
 * Voice messages become message slips (R9, R13; issue 20 item 3). The SIP line records what a caller says after
 * the tone (src/adapters/sip/line/message-tap.ts): a caller the unit answered out of hours (for the desk), or one
 * whose colleague declined a transfer (for that colleague: the core's voiceMessage effect names them); this keeps
 * the audio on the unit (./voice-store.ts) and writes a `message.taken` slip with its five elements: to whom (the
 * desk, config voiceMessages.to, or that colleague), from whom (the contact book's name, else the caller's display name, else the number), when
 * (the unit's time), who took it (`unit`), what (the audio: its length, and "语音留言 m:ss"), and the call-back
 * number. The call's record says outcome `message` (the core, from the line's message.left). Only the slip's
 * description leaves the unit with the journal; the audio stays, unless the installer turns voiceMessages.syncAudio
 * on (then it goes with its slip: src/app/sync/audio-attachments.ts).
 * Retention: once old journal files are deleted, the audio of every slip that went with them goes too (prune).
 */
import { randomUUID } from 'node:crypto';
import type { CallJournal } from '../../ports/call-journal.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RecordedMessage, SipLine } from '../../ports/sip-line.ts';
import type { VoiceMessagesConfig } from '../../config/voice-messages-schema.ts';
import type { Effect } from '../../core/effects.ts';
import type { DeskUnitEvents } from '../desk-unit.ts';
import type { MessageSlip } from '../records/records-book.ts';
import type { RecordsService } from '../records/records-service.ts';
import type { VoiceStore } from './voice-store.ts';

/** A file with no slip (the unit stopped between the file and its slip) older than this goes at the next prune. */
const ORPHAN_MS = 10 * 60_000;

type Incoming = DeskUnitEvents['incoming'][0];

export interface VoiceMessagesDeps {
  config: () => Pick<VoiceMessagesConfig, 'to'>;
  store: VoiceStore;
  sip: Pick<SipLine, 'onVoiceMessage'>;
  unit: {
    on(event: 'incoming', l: (c: Incoming) => void): unknown;
    on(event: 'effect', l: (e: Effect) => void): unknown;
    off(event: 'incoming', l: (c: Incoming) => void): unknown;
    off(event: 'effect', l: (e: Effect) => void): unknown;
  };
  records: Pick<RecordsService, 'takeVoiceMessage' | 'book' | 'ready'>;
  journal: Pick<CallJournal, 'readFrom'>;
  /** The contact book's name for a caller number (src/app/contacts), or null. */
  contactName(number: string | null): string | null;
  /** A caller number in its one stored form (E.164), or null when it is not a phone number. */
  normalize(number: string): string | null;
  clock: Clock;
  logger: Logger;
  newId?: () => string;
}

/** "m:ss" */
export function formatLength(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export class VoiceMessages {
  private readonly calls = new Map<string, Incoming>();
  /** R13: calls whose message is for a colleague who declined the transfer (else for the desk). */
  private readonly forColleague = new Map<string, string>();
  private readonly onEffect = (e: Effect) => {
    // A message for the desk (to null: key 3 at the hold limit) is addressed as out of hours.
    if (e.type === 'voiceMessage' && e.to !== null) this.forColleague.set(e.callId, e.to);
  };
  private readonly log: Logger;
  private off: (() => void) | null = null;
  private writing: Promise<unknown> = Promise.resolve();
  private readonly onIncoming = (c: Incoming) => {
    this.calls.set(c.callId, c);
    // A day's calls at most: the map forgets the oldest.
    if (this.calls.size > 500) this.calls.delete(this.calls.keys().next().value as string);
  };

  constructor(private readonly deps: VoiceMessagesDeps) {
    this.log = deps.logger.child({ module: 'voice-messages' });
  }

  async start(): Promise<void> {
    await this.deps.store.open();
    this.deps.unit.on('incoming', this.onIncoming);
    this.deps.unit.on('effect', this.onEffect);
    this.off = this.deps.sip.onVoiceMessage?.((m) => this.recorded(m)) ?? null;
  }

  /** Stops listening; resolves once the messages being written are written. */
  async stop(): Promise<void> {
    this.deps.unit.off('incoming', this.onIncoming);
    this.deps.unit.off('effect', this.onEffect);
    this.off?.();
    this.off = null;
    await this.writing;
  }

  /** Settles once every message recorded so far has its slip (tests). */
  settled(): Promise<unknown> {
    return this.writing;
  }

  /** The path of a slip's audio on the unit, or null (a written slip, or its audio is gone). */
  audioPath(slip: MessageSlip): string | null {
    return slip.audio ? this.deps.store.pathOf(slip.audio.file) : null;
  }

  private recorded(m: RecordedMessage): void {
    const call = this.calls.get(m.callId);
    const to = this.forColleague.get(m.callId) ?? null;
    this.calls.delete(m.callId);
    this.forColleague.delete(m.callId);
    // One at a time, in the order they were recorded.
    this.writing = this.writing.then(() =>
      this.keep(m, call, to).catch((err: unknown) => this.log.error({ err, callId: m.callId }, 'voice message lost: audio or slip not written')),
    );
  }

  private async keep(m: RecordedMessage, call: Incoming | undefined, to: string | null): Promise<void> {
    const id = (this.deps.newId ?? randomUUID)();
    const ms = Math.round((m.samples.length * 1000) / m.sampleRate);
    const stored = await this.deps.store.write(id, m.samples, m.sampleRate);
    const number = call?.number ? (this.deps.normalize(call.number) ?? call.number) : null;
    const from = this.deps.contactName(number) ?? call?.displayName ?? number ?? '未知来电';
    await this.deps.records.takeVoiceMessage(
      {
        callId: call?.recordId ?? null,
        to: to ?? this.deps.config().to,
        from,
        callbackNumber: number,
        content: `语音留言 ${formatLength(ms)}`,
        takenBy: 'unit',
        audio: { file: stored.file, ms, bytes: stored.bytes, sampleRate: m.sampleRate },
      },
      id,
    );
    this.log.info({ messageId: id, recordId: call?.recordId ?? null, ms, endedBy: m.endedBy }, 'voice message kept');
  }

  /**
   * Retention (SPEC R12): removes the audio of every slip whose journal line is gone (older than the journal's
   * oldest entry), and files with no slip at all that are older than ORPHAN_MS. Returns the files removed.
   */
  async prune(): Promise<string[]> {
    await this.deps.records.ready();
    const [oldest] = await this.deps.journal.readFrom(0, 1);
    const oldestSeq = oldest?.seq ?? Infinity;
    const bySlipFile = new Map<string, MessageSlip>();
    for (const slip of this.deps.records.book.messages.values()) if (slip.audio) bySlipFile.set(slip.audio.file, slip);
    const removed: string[] = [];
    for (const { file, ageMs } of await this.deps.store.list(this.deps.clock.now())) {
      const slip = bySlipFile.get(file);
      const keep = slip ? slip.seq >= oldestSeq : ageMs < ORPHAN_MS;
      if (keep) continue;
      await this.deps.store.remove(file);
      removed.push(file);
    }
    if (removed.length > 0) this.log.info({ removed: removed.length }, 'voice message audio removed with its records (retention)');
    return removed;
  }
}
