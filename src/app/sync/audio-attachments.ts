/**
 * Voice messages' audio upstream (R9; issue 20 item 3, config voiceMessages.syncAudio, off by default): for a
 * batch of journal entries, the audio of every `message.taken` slip in it, read from the unit's voice-message
 * folder, to go with the batch to a sink that carries audio (PostgreSQL, HTTPS). A batch is cut short before the
 * slip that would take its audio past `budgetBytes` (always at least one slip's audio goes), so a backlog of long
 * messages is sent a few at a time, not held in memory all at once. A slip whose audio is no longer on the unit
 * (removed by hand) goes without it, and the log says which; a file that cannot be read fails the batch, which
 * is retried like any other.
 */
import { isCallEntry, type AnyJournalEntry } from '../../ports/call-journal.ts';
import type { Logger } from '../../ports/logger.ts';
import type { AudioAttachment } from '../../ports/upstream.ts';

/** What a batch carries at most, besides its first slip's audio (ten minutes at 8 kHz is 9.6 MB). */
export const AUDIO_BUDGET_BYTES = 16 * 1024 * 1024;

export interface AttachedBatch {
  entries: AnyJournalEntry[];
  attachments: AudioAttachment[];
}

export type AttachAudio = (entries: AnyJournalEntry[]) => Promise<AttachedBatch>;

export interface AudioAttachmentsDeps {
  /** A stored audio file's bytes by the name the slip gives, or null when it is not on the unit. */
  read(file: string): Promise<Buffer | null>;
  logger: Logger;
  budgetBytes?: number;
}

interface SlipAudio {
  messageId: string;
  file: string;
  ms: number;
  sampleRate: number;
}

/** The audio a `message.taken` entry names, or null (another entry, or a slip with no audio). */
function slipAudio(entry: AnyJournalEntry): SlipAudio | null {
  if (isCallEntry(entry) || entry.event.type !== 'message.taken') return null;
  const { messageId, audio } = entry.event as { messageId?: unknown; audio?: unknown };
  if (typeof messageId !== 'string' || typeof audio !== 'object' || audio === null) return null;
  const a = audio as Record<string, unknown>;
  if (typeof a.file !== 'string') return null;
  return { messageId, file: a.file, ms: typeof a.ms === 'number' ? a.ms : 0, sampleRate: typeof a.sampleRate === 'number' ? a.sampleRate : 0 };
}

export function audioAttachments(deps: AudioAttachmentsDeps): AttachAudio {
  const budget = deps.budgetBytes ?? AUDIO_BUDGET_BYTES;
  const log = deps.logger.child({ module: 'sync' });
  return async (entries) => {
    const attachments: AudioAttachment[] = [];
    let bytes = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as AnyJournalEntry;
      const slip = slipAudio(entry);
      if (!slip) continue;
      const wav = await deps.read(slip.file);
      if (wav === null) {
        log.warn({ seq: entry.seq, messageId: slip.messageId }, 'voice message audio not on the unit: its slip goes upstream without it');
        continue;
      }
      if (attachments.length > 0 && bytes + wav.length > budget) return { entries: entries.slice(0, i), attachments };
      bytes += wav.length;
      attachments.push({ messageId: slip.messageId, seq: entry.seq, ms: slip.ms, sampleRate: slip.sampleRate, wav });
    }
    return { entries, attachments };
  };
}
