/** A scriptable UpstreamSink for engine tests: keeps what it got, fails on demand, can ask for Retry-After. */
import { UpstreamError } from '../../../src/core/errors.ts';
import type { AudioAttachment, SinkCheck, UpstreamBatch, UpstreamSink } from '../../../src/ports/upstream.ts';

export class FakeSink implements UpstreamSink {
  readonly confirms = true;
  readonly batches: number[][] = [];
  /** The seqs of every batch the engine asked to encode ahead. */
  readonly prepared: number[][] = [];
  /** Wall-clock (fake timers) time of every attempt, successful or not. */
  readonly attempts: number[] = [];
  failNext = 0;
  retryAfterMs: number | null = null;
  closed = false;

  /** The attachments of every confirmed batch, by batch. */
  readonly attached: AudioAttachment[][] = [];

  constructor(
    readonly name = 'fake',
    readonly carriesAudio = false,
  ) {}

  async send(batch: UpstreamBatch): Promise<void> {
    this.attempts.push(Date.now());
    if (this.failNext > 0) {
      this.failNext--;
      throw new UpstreamError(this.name, 'connection refused (fake)', { retryAfterMs: this.retryAfterMs });
    }
    this.batches.push(batch.entries.map((e) => e.seq));
    this.attached.push([...(batch.attachments ?? [])]);
  }

  prepare(batch: UpstreamBatch): void {
    this.prepared.push(batch.entries.map((e) => e.seq));
  }

  get seqs(): number[] {
    return this.batches.flat();
  }

  async check(): Promise<SinkCheck> {
    return { ok: true, detail: 'fake' };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
