/**
 * Runs one audio program (sox, espeak-ng) without a shell and collects its output. A missing program, a
 * timeout or a kill is an AudioToolError naming the program; a non-zero exit is returned for the caller to
 * explain (sox failing on a bad input file is the file's fault, not the tool's).
 */
import { spawn } from 'node:child_process';
import { AudioToolError } from '../../core/errors.ts';

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the program's standard input, then closed. */
  input?: string;
  timeoutMs: number;
}

export function runProgram(program: string, args: readonly string[], opts: RunOptions): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // A program that exits before reading its input closes the pipe: that is its exit code's business.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = err.code === 'ENOENT' ? `not installed (apt-get install ${program})` : err.message;
      reject(new AudioToolError(program, hint, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new AudioToolError(program, `no result within ${opts.timeoutMs} ms, stopped`));
      else if (code === null) reject(new AudioToolError(program, `killed by ${signal ?? 'a signal'}`));
      else resolve({ code, stdout, stderr });
    });
  });
}

/** The program's own explanation: its FAIL / error lines without the program's prefix, or its last line. */
export function failureText(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const fails = lines.filter((l) => /\bFAIL\b|error/i.test(l)).map((l) => l.replace(/^\S+ FAIL \S+:\s*/, ''));
  return (fails.length ? fails : lines.slice(-1)).join('; ') || 'no explanation given';
}
