/**
 * Drives scripts/systemd-container.sh for the install tests: a Debian root booted with its own systemd
 * (systemd-nspawn -b), commands run inside it as root, files of its root read from outside, and the unit's LAN
 * listener reached over HTTPS on 127.0.0.1 (the container shares the machine's network).
 */
import { execFile } from 'node:child_process';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const CONTAINER_SCRIPT = new URL('../../scripts/systemd-container.sh', import.meta.url).pathname;
export const PACKAGE_SCRIPT = new URL('../../scripts/package.sh', import.meta.url).pathname;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function script(args: string[], timeout: number): Promise<RunResult> {
  try {
    const r = await exec(CONTAINER_SCRIPT, args, { encoding: 'utf8', timeout, maxBuffer: 16 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: `${e.stderr ?? ''}${typeof e.code === 'number' ? '' : e.message}` };
  }
}

export class Container {
  private constructor(
    readonly suite: string,
    readonly dir: string,
  ) {}

  /** Copies the suite's base root (dependencies of DEB installed) to DIR and boots it until systemd is up. */
  static async boot(suite: string, deb: string, dir: string): Promise<Container> {
    const r = await script(['boot', suite, deb, dir], 600_000);
    if (r.code !== 0) throw new Error(`booting ${suite} failed:\n${r.stderr}`);
    return new Container(suite, dir);
  }

  /** The path, seen from outside, of a file in the container's root (not for /run or /tmp: those are its own). */
  path(inside: string): string {
    return `${this.dir}/root${inside}`;
  }

  /** Runs a command inside as root; resolves with its exit code and output (never rejects on a non-zero exit). */
  run(...argv: string[]): Promise<RunResult> {
    return script(['run', this.dir, ...argv], 300_000);
  }

  /** Runs a command inside; rejects with its output unless it exits 0. */
  async ok(...argv: string[]): Promise<string> {
    const r = await this.run(...argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** `systemctl show deskphone -p …` as an object. */
  async show(...props: string[]): Promise<Record<string, string>> {
    const out = await this.ok('systemctl', 'show', 'deskphone.service', ...props.flatMap((p) => ['-p', p]));
    return Object.fromEntries(out.trim().split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  }

  /** Waits until the service is active (Type=notify: systemd saw READY=1) or failed. */
  async waitActive(timeoutMs = 60_000): Promise<string> {
    const until = performance.now() + timeoutMs;
    let state = '';
    while (performance.now() < until) {
      state = (await this.run('systemctl', 'is-active', 'deskphone.service')).stdout.trim();
      if (state === 'active' || state === 'failed') return state;
      await new Promise((r) => setTimeout(r, 250));
    }
    return state;
  }

  static async stop(dir: string): Promise<void> {
    await script(['stop', dir], 120_000);
  }
}

/** Builds the package into OUT; resolves with the .deb's path. */
export async function buildPackage(out: string, ...args: string[]): Promise<string> {
  const r = await exec(PACKAGE_SCRIPT, ['--out', out, ...args], { encoding: 'utf8', timeout: 600_000, maxBuffer: 16 << 20 });
  return r.stdout.trim().split('\n').at(-1)!;
}

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** SHA-256 fingerprint of the certificate the server presented. */
  fingerprint: string;
}

/**
 * One HTTPS request to the unit's LAN listener. Its certificate is self-signed, so it is not checked against a
 * CA here; callers compare `fingerprint` with the one the unit's CLI printed (what the README tells a desk PC's
 * user to do).
 */
export function lanRequest(port: number, method: string, path: string, options: { token?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port, method, path, headers, rejectUnauthorized: false, timeout: 15_000 }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256 ?? '';
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, fingerprint }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 15 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The line after the first line that contains MARKER (the CLI prints a new token on the line after its label). */
export function lineAfter(text: string, marker: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  if (i < 0 || i + 1 >= lines.length) throw new Error(`no line after "${marker}" in:\n${text}`);
  return lines[i + 1]!.trim();
}
