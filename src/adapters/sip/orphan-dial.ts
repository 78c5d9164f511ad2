/**
 * A dial the unit gave up on (no provisional response within sip.answerTimeoutMs) must not ring on inside
 * baresip. This hangs that call up and keeps at it until baresip's own call list no longer has it:
 * - the call is found in `listcalls` of line 1's account: by its Call-ID when known (1.1.0's `dial` reply, or a
 *   late event), else as the unanswered outgoing call to the dialled address (1.0.0 names no Call-ID before the
 *   first provisional response);
 * - it is hung up (`callfind <id>` or `line <n>`, then `hangup`: libre sends CANCEL once a provisional response
 *   came, or gives the INVITE up), then the list is read again; while it is still there, or the control link is
 *   down, the attempt is repeated with backoff (and once more when the link is back);
 * - a late call event of that call (ringing, answered) hangs it up at once by its Call-ID.
 * While an orphan is being hung up the line places no new call, so an unknown outgoing call is never mistaken.
 */
import type { Logger } from '../../ports/logger.ts';
import { parseCallList, UNANSWERED_OUTGOING, type ListedCall } from './call-list.ts';
import type { BaresipEvent } from './event-map.ts';

type Command = [command: string, params?: string];

export interface OrphanDialDeps {
  /** Runs commands in one write through the line's command queue; rejects while the control link is down. */
  run(commands: Command[]): Promise<PromiseSettledResult<string>[]>;
  line1Aor: string;
  log: Logger;
  /** First retry delay; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

interface Orphan {
  uri: string;
  id: string | null;
  attempts: number;
  timer: NodeJS.Timeout | null;
}

export class OrphanDial {
  private orphan: Orphan | null = null;
  private stopped = false;

  constructor(private readonly deps: OrphanDialDeps) {}

  /** True while a given-up dial may still be in baresip. */
  get pending(): boolean {
    return this.orphan !== null;
  }

  /** The dial to `uri` (Call-ID `id` if known) was given up: hang its call up. */
  abandon(uri: string, id: string | null): void {
    if (this.stopped) return;
    this.clearTimer();
    this.orphan = { uri, id, attempts: 0, timer: null };
    void this.attempt();
  }

  /** The Call-ID of the given-up dial, learnt late (a `dial` reply that came after the time-out). */
  learnId(uri: string, id: string | null): void {
    if (this.orphan && this.orphan.uri === uri && !this.orphan.id && id) this.orphan.id = id;
  }

  /**
   * A baresip event: an outgoing call event of the orphan hangs it up again at once; its CALL_CLOSED ends the
   * watch. Returns true when the event was the orphan's (the line must not treat it as a call of its own).
   */
  onEvent(ev: BaresipEvent, known: (id: string) => boolean): boolean {
    const o = this.orphan;
    if (!o || !ev.id || ev.direction !== 'outgoing' || known(ev.id)) return false;
    if (o.id && ev.id !== o.id) return false;
    o.id = ev.id;
    if (ev.type === 'CALL_CLOSED') {
      this.deps.log.info({ callId: ev.id }, 'unanswered dial: baresip closed the call');
      this.done();
      return true;
    }
    if (ev.type === 'CALL_RINGING' || ev.type === 'CALL_PROGRESS' || ev.type === 'CALL_ESTABLISHED') {
      this.clearTimer();
      void this.attempt();
    }
    return true;
  }

  /** The control link is back: try again now. */
  onReconnected(): void {
    if (!this.orphan) return;
    this.clearTimer();
    void this.attempt();
  }

  /** baresip exited: its calls went with it. */
  onProcessGone(): void {
    this.done();
  }

  stop(): void {
    this.stopped = true;
    this.done();
  }

  private async attempt(): Promise<void> {
    const o = this.orphan;
    if (!o) return;
    o.attempts++;
    try {
      const left = await this.find(o);
      if (this.orphan !== o) return;
      if (left.length === 0) {
        this.deps.log.info({ callId: o.id, attempts: o.attempts }, 'unanswered dial hung up: baresip no longer has the call');
        this.done();
        return;
      }
      for (const call of left) {
        if (this.orphan !== o) return;
        const select: Command = call.id ? ['callfind', call.id] : ['line', String(call.line)];
        await this.deps.run([['uafind', this.deps.line1Aor], select, ['hangup']]);
      }
      // Read the list again: the hang-up is confirmed only when the call is gone.
      this.retry(o);
    } catch (err) {
      if (this.orphan !== o) return;
      this.deps.log.warn({ err: (err as Error).message, attempts: o.attempts }, 'unanswered dial not hung up yet: trying again');
      this.retry(o);
    }
  }

  /** The orphan's call(s) baresip still lists, unanswered or not. */
  private async find(o: Orphan): Promise<ListedCall[]> {
    const [, listed] = await this.deps.run([['uafind', this.deps.line1Aor], ['listcalls']]);
    if (!listed || listed.status === 'rejected') throw listed?.reason ?? new Error('no reply to listcalls');
    return parseCallList(listed.value).filter((c) =>
      o.id && c.id ? c.id === o.id : c.peerUri.replace(/^<|>$/g, '') === o.uri && UNANSWERED_OUTGOING.has(c.state),
    );
  }

  private retry(o: Orphan): void {
    if (this.orphan !== o) return;
    const first = this.deps.retryMs ?? 250;
    const ms = Math.min(first * 2 ** Math.min(o.attempts - 1, 10), this.deps.maxRetryMs ?? 5000);
    this.clearTimer();
    o.timer = setTimeout(() => void this.attempt(), ms);
  }

  private clearTimer(): void {
    if (this.orphan?.timer) clearTimeout(this.orphan.timer);
    if (this.orphan) this.orphan.timer = null;
  }

  private done(): void {
    this.clearTimer();
    this.orphan = null;
  }
}
