/**
 * Lines and accounts: the calls the SIP line knows, whether each is answered, and the account (line) it belongs
 * to. Line 1 and line 2 are two accounts (user agents) of the one baresip, named by their address of record as
 * baresip names them in events (`accountaor`) and `uafind` takes them; a PBX hunts to line 2 when line 1 is
 * busy. A call whose account baresip did not name is line 1's. Pure bookkeeping: no commands, no timers.
 */
export type CallPhase = 'ringing' | 'established';

export interface LineAors {
  line1: string;
  /** Null when the unit has one line only. */
  line2: string | null;
}

export class LineCalls {
  /** Known calls and whether they are answered (SharedAudio reads it). */
  readonly phases = new Map<string, CallPhase>();
  private readonly aor = new Map<string, string>();

  constructor(readonly aors: LineAors) {}

  has(callId: string): boolean {
    return this.phases.has(callId);
  }

  phase(callId: string): CallPhase | undefined {
    return this.phases.get(callId);
  }

  ids(): string[] {
    return [...this.phases.keys()];
  }

  /** Records a new call on the account `aor` (line 1's when not given); returns its line number. */
  add(callId: string, phase: CallPhase, aor: string | undefined): 1 | 2 {
    const account = aor ?? this.aors.line1;
    this.phases.set(callId, phase);
    this.aor.set(callId, account);
    return account === this.aors.line2 ? 2 : 1;
  }

  established(callId: string): void {
    if (this.phases.has(callId)) this.phases.set(callId, 'established');
  }

  /** Forgets a call; false when it was not known. */
  remove(callId: string): boolean {
    this.aor.delete(callId);
    return this.phases.delete(callId);
  }

  clear(): void {
    this.phases.clear();
    this.aor.clear();
  }

  /** The account of a known call (line 1's when baresip did not say). */
  aorOf(callId: string): string {
    return this.aor.get(callId) ?? this.aors.line1;
  }

  /**
   * R13: a line account with no call on it, other than `except` (the caller's), for a consult call the unit
   * places; null when every other line is in use. Line 2's today; with more lines, the first free one.
   */
  freeAccount(except: string): string | null {
    const busy = new Set(this.aor.values());
    const candidates = [this.aors.line1, this.aors.line2].filter((a): a is string => a !== null && a !== except);
    return candidates.find((a) => !busy.has(a)) ?? null;
  }

  /** Ringing calls on `callId`'s account other than it. */
  ringingBeside(callId: string): string[] {
    const aor = this.aorOf(callId);
    return [...this.phases].filter(([id, phase]) => id !== callId && phase === 'ringing' && this.aorOf(id) === aor).map(([id]) => id);
  }
}
