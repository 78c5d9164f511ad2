/**
 * Starts a bench's serving process (bench/unit-child.ts, or another child script) the way the service runs:
 * compiled to one JavaScript file (esbuild; packages stay external, the SQL migrations copied beside it), plain
 * node with the given flags and environment, and, when a memory cgroup is given, inside it from its first
 * instruction (a shell puts itself in the group, then execs node), so every byte it ever uses is charged there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { MemoryCgroup } from './memory-cgroup.ts';

/** Inside the project, so the compiled child finds node_modules. */
const BUILD_DIR = fileURLToPath(new URL('../../.tmp/bench-build', import.meta.url));
const MIGRATIONS = fileURLToPath(new URL('../../src/adapters/upstream/migrations', import.meta.url));

/** `script` (a .ts file) compiled to BUILD_DIR/<name>.mjs; the migrations are found beside it, as in dist/. */
export async function compiledChild(script: string, name: string): Promise<string> {
  mkdirSync(BUILD_DIR, { recursive: true });
  cpSync(MIGRATIONS, join(BUILD_DIR, 'migrations'), { recursive: true });
  const out = join(BUILD_DIR, `${name}.mjs`);
  await build({ entryPoints: [script], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: out, logLevel: 'warning' });
  return out;
}

export interface ServingOptions {
  flags: string[];
  env: Record<string, string>;
  cgroup?: MemoryCgroup | null;
}

export function startServing(compiled: string, args: string[], options: ServingOptions): ChildProcess {
  const env = { ...process.env, ...options.env };
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  if (!options.cgroup) return fork(compiled, args, { execArgv: options.flags, env, stdio });
  // sh -c SCRIPT node FLAGS… CHILD ARGS…: $0 is node, "$@" the rest; the IPC descriptor survives the exec.
  const enter = `echo $$ > '${join(options.cgroup.path, 'cgroup.procs')}' && exec "$0" "$@"`;
  return fork(compiled, args, { execPath: '/bin/sh', execArgv: ['-c', enter, process.execPath, ...options.flags], env, stdio });
}

/** The next IPC message of `kind` from `child`; rejects if it exits first. */
export function reply<T>(child: ChildProcess, kind: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { kind: string } & T) => {
      if (m.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null, signal: string | null) => reject(new Error(`serving child exited (${signal ?? code}) before '${kind}'`));
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Asks the child to stop and waits for it; kills it if it has not gone within 20 s. */
export async function stopServing(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
