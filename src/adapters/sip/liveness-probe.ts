/**
 * Detects a baresip that is alive but no longer answers (e.g. stopped with SIGSTOP, or stuck in a blocking
 * call): while the control link is up, one cheap command every `intervalMs`, each allowed `timeoutMs`; after
 * `failures` probes in a row went unanswered it calls `onHung` once (the owner kills and restarts baresip).
 * Worst-case detection: intervalMs * failures + timeoutMs (defaults 1000 * 2 + 1500 = 3.5 s; issue goal 5 s).
 * Reads config keys: sip.livenessIntervalMs, sip.livenessTimeoutMs. Pins: none.
 */
import type { Logger } from '../../ports/logger.ts';

export interface LivenessProbeOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Unanswered probes in a row that mean "hung". */
  failures?: number;
  /** Sends the probe command; rejects when it is not answered in time. */
  probe: (timeoutMs: number) => Promise<unknown>;
  onHung: (reason: string) => void;
  logger: Logger;
}

export class LivenessProbe {
  private timer: NodeJS.Timeout | null = null;
  private missed = 0;
  /** Bumped on start/stop so answers to probes of an earlier run are ignored. */
  private run = 0;

  constructor(private readonly opts: LivenessProbeOptions) {}

  start(): void {
    this.stop();
    const run = ++this.run;
    this.missed = 0;
    this.timer = setInterval(() => this.tick(run), this.opts.intervalMs);
  }

  stop(): void {
    this.run++;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(run: number): void {
    this.opts.probe(this.opts.timeoutMs).then(
      () => {
        if (run === this.run) this.missed = 0;
      },
      (err: unknown) => {
        if (run !== this.run) return;
        this.missed++;
        this.opts.logger.warn({ err: (err as Error).message, missed: this.missed }, 'baresip did not answer a liveness probe');
        if (this.missed < (this.opts.failures ?? 2)) return;
        this.stop();
        this.opts.onHung(`no answer to ${this.missed} liveness probes in a row (${this.opts.timeoutMs} ms each)`);
      },
    );
  }
}
