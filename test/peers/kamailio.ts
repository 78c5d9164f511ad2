/**
 * kamailio 5.6 (Debian) as a test registrar: the template test/peers/kamailio/kamailio.cfg.tpl filled in
 * and run in the foreground (`-DD -E`) in its own process group, so stop() takes the children down too.
 * Ready = it answers a SIP OPTIONS on its UDP port. `rpc()` runs kamcmd against its ctl TCP port.
 * As root it drops to nobody/nogroup (`-u`/`-g`) after reading the config.
 * Every started kamailio is killed on stop(), and on process exit if a test forgot or crashed.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { killGroup, trackGroup } from './process-group.ts';

const TEMPLATE = fileURLToPath(new URL('./kamailio/kamailio.cfg.tpl', import.meta.url));

export interface KamailioOptions {
  address?: string;
  /** SIP/UDP port. */
  port: number;
  /** ctl module's binrpc TCP port on 127.0.0.1 (for kamcmd). */
  ctlPort: number;
  /** The one user allowed to register, and its password. */
  user: string;
  password: string;
  /** kamailio's debug level (2 = info; 3 = debug). */
  debug?: number;
  startTimeoutMs?: number;
}

export interface Kamailio {
  /** host:port of its SIP listener. */
  readonly target: string;
  /** Runs `kamcmd <command> <args>` against this instance; resolves with kamcmd's output. */
  rpc(command: string, ...args: string[]): Promise<string>;
  /** Everything kamailio wrote to stderr so far (its log). */
  log(): string;
  stop(): Promise<void>;
}

/** Values go into the config text verbatim: refuse anything that could end a token or a string. */
function checkValue(name: string, value: string): string {
  if (!/^[A-Za-z0-9._+-]+$/.test(value)) throw new Error(`kamailio test peer: ${name} must be [A-Za-z0-9._+-]+, got ${JSON.stringify(value)}`);
  return value;
}

export async function renderKamailioConfig(opts: KamailioOptions): Promise<string> {
  const values: Record<string, string> = {
    ADDRESS: checkValue('address', opts.address ?? '127.0.0.1'),
    PORT: String(opts.port),
    CTL_PORT: String(opts.ctlPort),
    USER: checkValue('user', opts.user),
    PASSWORD: checkValue('password', opts.password),
    DEBUG: String(opts.debug ?? 2),
  };
  const text = (await readFile(TEMPLATE, 'utf8')).replace(/\{\{([A-Z_]+)\}\}/g, (all, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`kamailio template: unknown placeholder ${all}`);
    return v;
  });
  return text;
}

/** Sends OPTIONS every 50 ms until a 200 comes back, the process exits, or the time is up. */
function waitForSip(address: string, port: number, timeoutMs: number, exited: Promise<string>): Promise<void> {
  const sock = createSocket('udp4');
  const callId = randomBytes(8).toString('hex');
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const done = (err?: Error) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      clearTimeout(deadline);
      sock.close();
      if (err) reject(err);
      else resolve();
    };
    const deadline = setTimeout(() => done(new Error(`kamailio did not answer OPTIONS on ${address}:${port} within ${timeoutMs} ms`)), timeoutMs);
    void exited.then((why) => done(new Error(`kamailio exited before it was ready: ${why}`)));
    sock.on('message', (msg) => {
      if (msg.toString('latin1').startsWith('SIP/2.0 200')) done();
    });
    sock.bind(0, '127.0.0.1', () => {
      const local = sock.address();
      let cseq = 1;
      const ping = () => {
        const req = [
          `OPTIONS sip:${address}:${port} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${local.port};branch=z9hG4bK${callId}${cseq};rport`,
          'Max-Forwards: 70',
          `From: <sip:probe@127.0.0.1:${local.port}>;tag=${callId}`,
          `To: <sip:${address}:${port}>`,
          `Call-ID: ${callId}@127.0.0.1`,
          `CSeq: ${cseq++} OPTIONS`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        sock.send(req, port, address);
      };
      ping();
      timer = setInterval(ping, 50);
    });
  });
}

export async function startKamailio(opts: KamailioOptions): Promise<Kamailio> {
  const address = opts.address ?? '127.0.0.1';
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-kamailio-'));
  const cfg = join(dir, 'kamailio.cfg');
  await writeFile(cfg, await renderKamailioConfig(opts), { mode: 0o644 });

  const args = ['-f', cfg, '-DD', '-E', '-m', '32', '-M', '4', '-Y', dir, '-P', join(dir, 'kamailio.pid')];
  if (process.getuid?.() === 0) args.push('-u', 'nobody', '-g', 'nogroup');
  const child = spawn('kamailio', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  trackGroup(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-200_000);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`spawn failed: ${err.message}`));
    child.once('exit', (code, signal) => {
      resolve(`code ${code}, signal ${signal}: ${stderr.slice(-3000)}`);
    });
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    // Children that outlived the main process (they share its group).
    killGroup(child, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForSip(address, opts.port, opts.startTimeoutMs ?? 5000, exited);
  } catch (err) {
    await stop();
    throw err;
  }

  const run = promisify(execFile);
  return {
    target: `${address}:${opts.port}`,
    rpc: async (command, ...rest) => (await run('kamcmd', ['-s', `tcp:127.0.0.1:${opts.ctlPort}`, command, ...rest])).stdout,
    log: () => stderr,
    stop,
  };
}
