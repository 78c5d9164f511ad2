/**
 * A busy burst from sipp (3.6.1): `rate` calls per second for `seconds` with test/peers/sipp/uac-burst.xml,
 * every call with its own caller number (<prefix><call_number>). sipp traces every message it sends and
 * receives; `invitesSent` reads that trace, so a test can match the unit's records to sipp's calls one to one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BurstOptions {
  /** host:port of the unit's SIP listener. */
  target: string;
  /** Caller numbers are this prefix and sipp's call number, e.g. +86139 -> +861391, +861392, ... */
  prefix: string;
  rate: number;
  seconds: number;
  /** sipp's SIP port on 127.0.0.1, and its media port (sipp binds a few above it). */
  localPort: number;
  mediaPort: number;
}

export interface BurstResult {
  code: number | null;
  stderr: string;
  /** sipp's error log: calls that did not go as the scenario says, with the message that surprised it. */
  errors: string;
  /** One entry per distinct call sipp sent an INVITE for: its Call-ID and caller number. */
  invitesSent: { callId: string; number: string }[];
  /** INVITE datagrams sent, retransmissions included. */
  inviteDatagrams: number;
}

export interface Burst {
  readonly done: Promise<BurstResult>;
  kill(): void;
}

/** A copy of `s` that does not keep the whole trace it was cut from alive (V8 slices share their parent). */
function fresh(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

/** Reads sipp's message trace: every INVITE it sent, by Call-ID (retransmissions counted once). */
export function parseSentInvites(trace: string): Pick<BurstResult, 'invitesSent' | 'inviteDatagrams'> {
  const byCallId = new Map<string, string>();
  let inviteDatagrams = 0;
  // Each traced message is a block that starts with a line of dashes and a timestamp.
  for (const block of trace.replace(/\r/g, '').split(/^-{20,}.*$/m)) {
    if (!/message sent/.test(block) || !/^INVITE /m.test(block)) continue;
    inviteDatagrams++;
    const callId = /^Call-ID:\s*(\S+)/m.exec(block)?.[1];
    const number = /^From:[^<]*<sip:([^@>]+)@/m.exec(block)?.[1];
    if (!callId || !number) throw new Error(`sipp trace: an INVITE without Call-ID or From: ${block.slice(0, 300)}`);
    byCallId.set(fresh(callId), fresh(number));
  }
  return { invitesSent: [...byCallId].map(([callId, number]) => ({ callId, number })), inviteDatagrams };
}

export function startBurst(opts: BurstOptions): Burst {
  const dir = mkdtempSync(join(tmpdir(), 'deskphone-burst-'));
  const traceFile = join(dir, 'messages.log');
  const errorFile = join(dir, 'errors.log');
  const calls = opts.rate * opts.seconds;
  const args = [
    opts.target,
    '-sf', fileURLToPath(new URL('./sipp/uac-burst.xml', import.meta.url)),
    '-s', 'reception',
    '-i', '127.0.0.1',
    '-p', String(opts.localPort),
    '-mp', String(opts.mediaPort),
    '-r', String(opts.rate),
    '-rp', '1000',
    '-m', String(calls),
    '-timeout', `${opts.seconds + 60}s`,
    '-nostdin',
    '-set', 'prefix', opts.prefix,
    '-trace_msg',
    '-message_file', traceFile,
    '-trace_err',
    '-error_file', errorFile,
  ];
  const child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<BurstResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        const errors = existsSync(errorFile) ? readFileSync(errorFile, 'latin1') : '';
        resolve({ code, stderr, errors, ...parseSentInvites(readFileSync(traceFile, 'latin1')) });
      } catch (err) {
        reject(err as Error);
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
