/**
 * A scripted baresip behind a fake control link, and the line parts wired to it, for unit tests of
 * src/adapters/sip/line/ (no process, no socket). `baresip.calls` are the Call-IDs it has; `callfind` answers
 * as 1.0.0 does ("call not found" with ok) or as 1.1.0 does (refused); `refuse` makes a command fail.
 */
import { SipError } from '../../../../src/core/errors.ts';
import { SharedAudio } from '../../../../src/adapters/sip/shared-audio.ts';
import { HEADLESS_AUDIO } from '../../../../src/adapters/sip/baresip-config.ts';
import { CallLink, type Command, type CtrlLink } from '../../../../src/adapters/sip/line/call-link.ts';
import { LineCalls, lineAorList } from '../../../../src/adapters/sip/line/line-calls.ts';
import { memoryLogger, type LogEntry } from '../../../support/memory-logger.ts';

export const LINE1 = 'sip:reception@127.0.0.1:5060';
export const LINE2 = 'sip:reception-2@127.0.0.1:5060';

export interface FakeBaresip extends CtrlLink {
  isConnected: boolean;
  /** Call-IDs baresip has. */
  calls: Set<string>;
  /** Every write, in order (one array per write). */
  writes: Command[][];
  /** Commands that fail (by name). */
  refuse: Set<string>;
  version: '1.0' | '1.1';
  /** Called for each command after the built-in ones; its value is the reply. */
  reply?: (command: Command) => string | undefined;
}

export function fakeBaresip(version: '1.0' | '1.1' = '1.0'): FakeBaresip {
  const b: FakeBaresip = {
    isConnected: true,
    calls: new Set(),
    writes: [],
    refuse: new Set(),
    version,
    async send(command, params = '') {
      const [r] = await b.sendAll([[command, params]]);
      if (r?.status === 'rejected') throw r.reason;
      return r?.status === 'fulfilled' ? r.value : '';
    },
    async sendAll(commands) {
      if (!b.isConnected) throw new SipError('baresip control link is down');
      b.writes.push(commands);
      return commands.map(([c, p]): PromiseSettledResult<string> => {
        if (b.refuse.has(c)) return { status: 'rejected', reason: new SipError(`${c} refused`) };
        if (c === 'callfind' && p && !b.calls.has(p)) {
          const text = `call not found (id=${p})`;
          return b.version === '1.0' ? { status: 'fulfilled', value: text } : { status: 'rejected', reason: new SipError(text) };
        }
        if (c === 'hangup') {
          const current = [...b.writes.flat()].reverse().find(([x]) => x === 'callfind')?.[1];
          if (current) b.calls.delete(current);
        }
        return { status: 'fulfilled', value: b.reply?.([c, p]) ?? '' };
      });
    },
  };
  return b;
}

/** The line parts every module needs: calls, shared audio (1.0: off), the call link, a log, what closed. */
export function lineParts(baresip: FakeBaresip | null = fakeBaresip(), opts: { line2?: boolean } = {}) {
  const logs: LogEntry[] = [];
  const log = memoryLogger(logs);
  const calls = new LineCalls(lineAorList(opts.line2 === false ? [LINE1] : [LINE1, LINE2]));
  const shared = new SharedAudio({ calls: calls.phases, aorOf: (id) => calls.aorOf(id), handset: () => HEADLESS_AUDIO, log });
  const gone: string[] = [];
  const link = new CallLink({
    calls,
    shared,
    log,
    link: () => baresip,
    onGone: (id) => {
      gone.push(id);
      calls.remove(id);
    },
  });
  /** A call both the line and baresip have. */
  const add = (id: string, phase: 'ringing' | 'established' = 'established', aor = LINE1) => {
    calls.add(id, phase, aor);
    baresip?.calls.add(id);
  };
  return { baresip, calls, shared, link, log, logs, gone, add };
}
