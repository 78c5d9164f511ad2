/**
 * Peers started detached (PostgreSQL, kamailio) run in their own process group: they are signalled as a whole,
 * and any still running when the test process exits are SIGKILLed, so no peer outlives its test run.
 */
import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/** Remember `child` until it exits, to kill its group if the test process exits first. */
export function trackGroup(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
