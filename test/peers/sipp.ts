/**
 * Starts sipp (3.6.1) as a caller with one of the project's scenarios (test/peers/sipp/*.xml) for one call
 * (`-m 1`), and exposes how it ended. Exit code 0 = the call went exactly as the scenario says.
 * Every started sipp is killed by `killAllSipp()` (call it in afterEach/afterAll) or by `call.kill()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { udpBound } from './udp-bound.ts';

export type SippScenario = 'uac-talk' | 'uac-cancel' | 'uac-wait-bye' | 'uac-busy' | 'uac-refer' | 'uac-keys';

export interface SippCallOptions {
  scenario: SippScenario;
  /** host:port of the unit's SIP listener. */
  target: string;
  /** sipp's own SIP port on 127.0.0.1 (distinct per parallel call). */
  localPort?: number;
  /** sipp's RTP port (it sends no media, but the SDP names it). */
  mediaPort?: number;
  /** The user part of the request URI. */
  service?: string;
  /** Scenario variables (`-set NAME VALUE`); see the scenario's header comment. Defaults below. */
  vars?: Record<string, string | number>;
}

export interface SippResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SippCall {
  readonly child: ChildProcess;
  readonly done: Promise<SippResult>;
  kill(): void;
}

const DEFAULT_VARS: Record<string, Record<string, string>> = {
  'uac-talk': { caller: '+15550100', caller_name: 'Test Caller', answer_ms: '5000', talk_ms: '1000', reinvites: '' },
  'uac-cancel': { caller: '+15550100', caller_name: 'Test Caller', cancel_ms: '1000' },
  'uac-wait-bye': { caller: '+15550100', caller_name: 'Test Caller', answer_ms: '5000' },
  'uac-busy': { caller: '+15550100', caller_name: 'Test Caller' },
  'uac-keys': { caller: '+15550100', caller_name: 'Test Caller', key_ms: '3000', key: '1', info_ms: '0', expect_bye: '1', hangup_ms: '1000' },
  'uac-refer': {
    caller: '+15550100', caller_name: 'Test Caller', answer_ms: '5000', refer_code: '202', final_code: '200', final_reason: 'OK', notify_ms: '300',
    follow_scenario: fileURLToPath(new URL('./sipp/uac-follow.xml', import.meta.url)), follow_port: '0', follow_media: '0',
  },
};

/** Options of a callee (UAS) for calls the unit places: see test/peers/sipp/uas-callee.xml. */
export interface SippCalleeOptions {
  /** sipp's SIP port on 127.0.0.1: the unit dials sip:<user>@127.0.0.1:<port>. */
  localPort: number;
  mediaPort: number;
  /** 200 answers; 486 refuses busy. */
  answerCode?: 200 | 486;
  ringMs?: number;
  /** Never answer: only "100 Trying", then wait for the unit's CANCEL (uas-no-answer.xml). */
  neverAnswer?: boolean;
}

/** The colleague of a consult transfer (test/peers/sipp/uas-colleague.xml). */
export interface SippColleagueOptions {
  localPort: number;
  mediaPort: number;
  /** The RTP port its SDP answer names (an RTP peer's, for the colleague's voice and keys). */
  rtpPort: number;
  /** 200 answers; 486, 603 or 480 refuse; 0 never answers (180 only, then the unit's CANCEL). */
  answerCode: 200 | 486 | 603 | 480 | 0;
  ringMs?: number;
  /** Answered: a SIP INFO dtmf-relay with this key, `infoMs` after the ACK. */
  info?: { digit: string; ms: number };
  /** Answered: the colleague hangs up this long after the ACK (else waits for the unit's BYE). */
  byeMs?: number;
}

const running = new Set<ChildProcess>();

export function scenarioPath(scenario: SippScenario): string {
  return fileURLToPath(new URL(`./sipp/${scenario}.xml`, import.meta.url));
}

export function startSippCall(opts: SippCallOptions): SippCall {
  const vars = { ...DEFAULT_VARS[opts.scenario], ...opts.vars };
  if (['uac-wait-bye', 'uac-talk', 'uac-refer', 'uac-keys'].includes(opts.scenario) && vars.rtp_port === undefined) vars.rtp_port = opts.mediaPort ?? 16900;
  const args = [
    opts.target,
    '-sf', scenarioPath(opts.scenario),
    '-s', opts.service ?? 'reception',
    '-i', '127.0.0.1',
    '-p', String(opts.localPort ?? 15090),
    '-mp', String(opts.mediaPort ?? 16900), // sipp also binds a few ports above -mp: space them by 10
    '-m', '1',
    '-nostdin',
  ];
  for (const [k, v] of Object.entries(vars)) args.push('-set', k, String(v));
  return spawnSipp(args);
}

/**
 * A callee that takes one call from the unit (uas-callee.xml) and exits: 0 when it went as asked. Resolves once
 * its SIP port is bound, so the unit may dial it at once.
 */
export async function startSippCallee(opts: SippCalleeOptions): Promise<SippCall> {
  const vars = {
    answer_code: opts.answerCode ?? 200,
    ring_ms: opts.ringMs ?? 500,
    rtp_port: opts.mediaPort,
  };
  const args = [
    '-sf', fileURLToPath(new URL(`./sipp/${opts.neverAnswer ? 'uas-no-answer' : 'uas-callee'}.xml`, import.meta.url)),
    '-i', '127.0.0.1',
    '-p', String(opts.localPort),
    '-mp', String(opts.mediaPort),
    '-m', '1',
    '-nostdin',
  ];
  if (!opts.neverAnswer) for (const [k, v] of Object.entries(vars)) args.push('-set', k, String(v));
  return listening(spawnSipp(args), opts.localPort);
}

/** A colleague's phone for consult transfers (uas-colleague.xml). Resolves once its SIP port is bound. */
export async function startSippColleague(opts: SippColleagueOptions): Promise<SippCall> {
  const vars = {
    answer_code: opts.answerCode,
    ring_ms: opts.ringMs ?? 300,
    rtp_port: opts.rtpPort,
    info_ms: opts.info?.ms ?? 0,
    info_digit: opts.info?.digit ?? '0',
    bye_ms: opts.byeMs ?? 0,
  };
  const args = [
    '-sf', fileURLToPath(new URL('./sipp/uas-colleague.xml', import.meta.url)),
    '-i', '127.0.0.1',
    '-p', String(opts.localPort),
    '-mp', String(opts.mediaPort),
    '-m', '1',
    '-nostdin',
  ];
  for (const [k, v] of Object.entries(vars)) args.push('-set', k, String(v));
  return listening(spawnSipp(args), opts.localPort);
}

/** `call` once its SIP port is bound (or it has exited: its `done` says why). */
async function listening(call: SippCall, port: number): Promise<SippCall> {
  await udpBound(port, () => call.child.exitCode !== null || call.child.signalCode !== null);
  return call;
}

function spawnSipp(args: string[]): SippCall {
  const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<SippResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Kills every sipp this module started that is still running, and waits for them. */
export async function killAllSipp(): Promise<void> {
  const waits = [...running].map(
    (c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('close', () => resolve());
      c.kill('SIGKILL');
    }),
  );
  await Promise.all(waits);
}
