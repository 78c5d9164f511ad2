/**
 * A sink upstream (IT's central store). The sync engine hands it batches of journal entries, oldest first,
 * and moves the sink's cursor only after `send` resolves: a sink must resolve only once the far end has
 * confirmed (or, for a protocol without acknowledgement, once the bytes are handed to the connection).
 * Every entry's identity is (unitId, seq): a sink must make a resend change nothing.
 */
import type { AnyJournalEntry } from './call-journal.ts';

export interface UpstreamBatch {
  unitId: string;
  entries: AnyJournalEntry[];
  /**
   * The audio of the voice messages whose `message.taken` entries are in `entries` (config voiceMessages.syncAudio;
   * only for a sink that `carriesAudio`). The batch is confirmed only once the sink has these too.
   */
  attachments?: readonly AudioAttachment[];
}

/** A voice message's audio (R9), sent with the batch that holds its slip. */
export interface AudioAttachment {
  /** The slip's `messageId`: with the unit id, the audio's identity upstream (a resend changes nothing). */
  messageId: string;
  /** The seq of the slip's `message.taken` entry. */
  seq: number;
  ms: number;
  sampleRate: number;
  /** The WAV file as the unit keeps it (16-bit mono PCM). */
  wav: Buffer;
}

/** The result of `check()`: ok, or what is wrong in words an installer can act on. */
export type SinkCheck = { ok: true; detail: string } | { ok: false; problem: SinkProblem; detail: string };

/** refused: nothing listens; tls: handshake or certificate; auth: credentials; schema: tables missing or old. */
export type SinkProblem = 'refused' | 'timeout' | 'tls' | 'auth' | 'schema' | 'http' | 'other';

export interface UpstreamSink {
  /** Stable name, also the cursor's key: "postgres", "https", "syslog". */
  readonly name: string;
  /** True when the protocol confirms receipt; false for syslog (best effort). */
  readonly confirms: boolean;
  /** True when the sink can take voice messages' audio (`attachments`); syslog cannot. */
  readonly carriesAudio?: boolean;
  send(batch: UpstreamBatch): Promise<void>;
  /**
   * Optional: encode `batch` now, ahead of its `send` (the sync engine calls it while an earlier batch is on
   * its way, so encoding overlaps the far end's work). Never throws; `send` gives the same result without it.
   */
  prepare?(batch: UpstreamBatch): void;
  check(): Promise<SinkCheck>;
  close(): Promise<void>;
}
