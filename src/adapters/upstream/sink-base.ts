/**
 * What every upstream sink does the same way around its own protocol: a logger named after the sink; a failed
 * batch becomes an UpstreamError that says in words what went wrong (refused, timeout, TLS, auth, schema) and
 * lets the sink throw its connection away first, so the next batch starts on a fresh one; `check()` turns any
 * failure into the same words; and a connection that breaks between batches is noted at debug (the next
 * batch reconnects, and a failing batch is what the sync engine reports).
 * The PostgreSQL, HTTPS and syslog sinks extend it. Reads no config keys itself.
 */
import { UpstreamError } from '../../core/errors.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SinkCheck, UpstreamBatch, UpstreamSink } from '../../ports/upstream.ts';
import { describeProblem, errorText, problemOf } from './sink-problem.ts';

export abstract class SinkBase implements UpstreamSink {
  protected readonly log: Logger;

  protected constructor(
    readonly name: string,
    readonly confirms: boolean,
    logger: Logger,
  ) {
    this.log = logger.child({ sink: name });
  }

  async send(batch: UpstreamBatch): Promise<void> {
    try {
      await this.deliver(batch);
    } catch (err) {
      this.discardConnection();
      throw err instanceof UpstreamError ? err : new UpstreamError(this.name, `${describeProblem(problemOf(err))}: ${errorText(err)}`, { cause: err });
    }
  }

  async check(): Promise<SinkCheck> {
    try {
      return await this.probe();
    } catch (err) {
      const problem = problemOf(err);
      return { ok: false, problem, detail: `${describeProblem(problem)}: ${errorText(err)}` };
    }
  }

  abstract close(): Promise<void>;

  /** Sends one batch; resolves once the far end has it (see UpstreamSink.send). */
  protected abstract deliver(batch: UpstreamBatch): Promise<void>;

  /** Connects and checks; throws what is wrong (or returns a failed check it worked out itself). */
  protected abstract probe(): Promise<SinkCheck>;

  /** After a failed batch: forget a connection that may be half-broken. */
  protected discardConnection(): void {}

  /** For 'error' events of a connection between batches, which would otherwise take the process down. */
  protected readonly connectionLost = (err: unknown): void => {
    this.log.debug({ err: errorText(err) }, 'upstream connection lost');
  };
}
