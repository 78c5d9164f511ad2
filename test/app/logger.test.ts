/**
 * A closed output never keeps the unit from exiting (issue 17): with stdout already closed (EPIPE), log lines
 * written just before `process.exit` must not hold the exit (pino's asynchronous writer retried them forever
 * when flushing at exit). The child logs as the two stop signals do and exits with 130; it must exit, with it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';

describe('the unit logger', () => {
  it('exits at once after logging to a closed stdout', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/app/fixtures/log-then-exit.ts'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    await once(child.stderr, 'data');
    child.stdout.destroy(); // the reader goes away (journald, or npm, gone first)
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.stdin.write('stop\n');
    try {
      // Hangs here on the old logger (until the test's timeout), writing the last line again every 100 ms.
      expect(await exited).toEqual([130, null]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 20_000);
});
