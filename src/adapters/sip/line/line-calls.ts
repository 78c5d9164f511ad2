/**
 * Lines and accounts: the calls the SIP line knows, whether each is answered, and the account (line) it belongs
 * to. Each line is an account (user agent) of the one baresip (`sip.lines` of them), named by its address of
 * record as baresip names it in events (`accountaor`) and `uafind` takes it; a PBX hunts a call to a free line.
 * A call whose account baresip did not name is line 1's. Pure bookkeeping: no commands, no timers.
 */
export type CallPhase = 'ringing' | 'established';

/** Every line's account, line 1 first. */
export interface LineAors {
  line1: string;
  /** Line 1's, then line 2's, …: a call's line number is its account's place here. */
  all: readonly string[];
}

/** The LineAors of `aors` (line 1 first; at least one). */
export function lineAorList(aors: readonly string[]): LineAors {
  const [line1] = aors;
  if (line1 === undefined) throw new Error('a SIP line needs at least one account');
  return { line1, all: aors };
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

  /** Records a new call on the account `aor` (line 1's when not given or not a line's); returns its line number. */
  add(callId: string, phase: CallPhase, aor: string | undefined): number {
    const line = aor === undefined ? 1 : this.lineOf(aor);
    this.phases.set(callId, phase);
    this.aor.set(callId, aor ?? this.aors.line1);
    return line;
  }

  /** The line number of account `aor` (1 for an account that is not a line's). */
  lineOf(aor: string): number {
    const i = this.aors.all.indexOf(aor);
    return i < 0 ? 1 : i + 1;
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
   * places; null when every other line is in use. The lowest-numbered free line's.
   */
  freeAccount(except: string): string | null {
    const busy = new Set(this.aor.values());
    return this.aors.all.find((a) => a !== except && !busy.has(a)) ?? null;
  }

  /** Ringing calls on `callId`'s account other than it. */
  ringingBeside(callId: string): string[] {
    const aor = this.aorOf(callId);
    return [...this.phases].filter(([id, phase]) => id !== callId && phase === 'ringing' && this.aorOf(id) === aor).map(([id]) => id);
  }
}
