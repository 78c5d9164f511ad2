/**
 * One sipp caller (3.6.1) with its message trace (`-trace_msg`): the time sipp received the unit's 200 OK to
 * the INVITE is read from the trace, i.e. on the wire as the caller sees it, with no Node event loop in between.
 * sipp stamps its trace with the local wall clock to the microsecond; `wallClock()` gives the bench the same clock
 * at the same resolution.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { scenarioPath, type SippScenario } from '../../test/peers/sipp.ts';

export interface TracedCallOptions {
  scenario: SippScenario;
  target: string;
  localPort: number;
  /** sipp's own media port (it binds a few above it). */
  mediaPort: number;
  /** Scenario variables, e.g. rtp_port, answer_ms. */
  vars: Record<string, string | number>;
}

export interface TracedCallResult {
  code: number | null;
  /** Wall clock (µs since the epoch) at which sipp received the first 200 OK to its INVITE; null if none. */
  okAtUs: number | null;
}

export interface TracedCall {
  done: Promise<TracedCallResult>;
  kill(): void;
}

/** A trace block's header: a line of dashes, then `YYYY-MM-DD HH:MM:SS.uuuuuu` in local time. */
const STAMP = /^-{20,}\s+(\d{4})-(\d\d)-(\d\d)\s+(\d\d):(\d\d):(\d\d)\.(\d{6})/;

/** The time (µs since the epoch) of the first 200 OK to an INVITE that sipp received, from its message trace. */
export function firstInviteOkAt(trace: string): number | null {
  let stamp: number | null = null;
  const lines = trace.replace(/\r/g, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = STAMP.exec(lines[i] as string);
    if (m) {
      const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
      stamp = new Date(y, mo - 1, d, h, mi, s).getTime() * 1000 + Number(m[7]);
      continue;
    }
    if (stamp === null || !/message received/.test(lines[i] as string)) continue;
    // The received message follows after one blank line: its start line and its headers up to the next block.
    const start = lines[i + 2] ?? '';
    if (!/^SIP\/2\.0 200 /.test(start)) continue;
    for (let j = i + 3; j < lines.length && !STAMP.test(lines[j] as string); j++) {
      if (/^CSeq:\s*\d+\s+INVITE\b/i.test(lines[j] as string)) return stamp;
    }
  }
  return null;
}

export function startTracedCall(opts: TracedCallOptions): TracedCall {
  const dir = mkdtempSync(join(tmpdir(), 'deskphone-traced-call-'));
  const trace = join(dir, 'messages.log');
  const settings: Record<string, string> = {
    '-sf': scenarioPath(opts.scenario),
    '-s': 'reception',
    '-i': '127.0.0.1',
    '-p': String(opts.localPort),
    '-mp': String(opts.mediaPort),
    '-m': '1',
    '-message_file': trace,
  };
  const args = [opts.target, '-nostdin', '-trace_msg', ...Object.entries(settings).flat()];
  for (const [k, v] of Object.entries({ caller: '+8613800001111', caller_name: 'Bench', ...opts.vars })) args.push('-set', k, String(v));
  const child = spawn('sipp', args, { stdio: 'ignore' });
  const done = new Promise<TracedCallResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        let text = '';
        try {
          text = readFileSync(trace, 'latin1');
        } catch {
          // No trace: sipp died before sending anything; okAtUs stays null.
        }
        resolve({ code, okAtUs: firstInviteOkAt(text) });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
  return {
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * A reading of the wall clock in µs, precise to a few µs (Date.now() has whole milliseconds): the monotonic
 * clock plus an offset taken right at a Date.now() tick. Costs up to 1 ms of spinning; take a fresh one per sample
 * so that a slewing wall clock cannot drift it.
 */
export function wallClockUs(): () => number {
  const first = Date.now();
  let ms = first;
  let mono = 0;
  while (ms === first) {
    mono = performance.now();
    ms = Date.now();
  }
  const offset = ms - mono;
  return () => (performance.now() + offset) * 1000;
}
