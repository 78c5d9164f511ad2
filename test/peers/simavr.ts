/**
 * The panel board firmware running in simavr, as a test peer. Starts test/peers/simavr/build/deskphone-sim
 * (built by `make -C test/peers/simavr`) on firmware/build/deskphone.elf (built by `make -C firmware`).
 * The board's serial port is `ptyPath`; output pin levels come with their simulated time in microseconds.
 * Every started simulator is killed on stop(), and on process exit if a test forgot or crashed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HARNESS_PATH = join(root, 'test', 'peers', 'simavr', 'build', 'deskphone-sim');
export const FIRMWARE_ELF = join(root, 'firmware', 'build', 'deskphone.elf');

export interface LevelChange {
  level: 0 | 1;
  /** Simulated time of the change, in microseconds since the board's power-on. */
  simUs: number;
  /** Date.now() when the harness reported it. */
  wallMs: number;
}

export interface Simulator {
  readonly ptyPath: string;
  /** The pin's last output level, or undefined while it has never been an output. */
  level(pin: number): 0 | 1 | undefined;
  /** Every output level change of the pin so far, oldest first. */
  history(pin: number): readonly LevelChange[];
  /** Resolves with the change that brought the pin to `level` (at once if it is there already). */
  waitForLevel(pin: number, level: 0 | 1, timeoutMs: number): Promise<LevelChange>;
  /** Drives an input pin: 0 = pulled to GND by the switch, 1 = released (pull-up). Resolves once applied. */
  setInput(pin: number, level: 0 | 1): Promise<void>;
  /** The latest simulated time the harness reported, in microseconds. */
  lastSimUs(): number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcessWithoutNullStreams>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startSimulator(options: { elf?: string; startTimeoutMs?: number } = {}): Promise<Simulator> {
  const elf = options.elf ?? FIRMWARE_ELF;
  if (!existsSync(HARNESS_PATH)) throw new Error(`simulator harness missing: ${HARNESS_PATH} (run make -C test/peers/simavr)`);
  if (!existsSync(elf)) throw new Error(`firmware missing: ${elf} (run make -C firmware)`);

  const child = spawn(HARNESS_PATH, [elf], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const histories = new Map<number, LevelChange[]>();
  const levelWaiters = new Set<{ pin: number; level: 0 | 1; resolve: (c: LevelChange) => void }>();
  const replyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  let latestSimUs = 0;
  let exited = false;
  let ptyPath: string | undefined;
  let onPty: ((path: string) => void) | undefined;

  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      running.delete(child);
      const err = new Error(`simulator exited (code ${code}, signal ${signal}): ${stderr.trim()}`);
      for (const w of replyWaiters.splice(0)) w.reject(err);
      resolve();
    });
  });

  createInterface({ input: child.stdout }).on('line', (line) => {
    const parts = line.split(' ');
    if (parts[0] === 'pty' && parts[1]) {
      ptyPath = parts[1];
      onPty?.(ptyPath);
    } else if (parts[0] === 'pin' && parts.length === 4) {
      const pin = Number(parts[1]);
      const change: LevelChange = { level: parts[2] === '1' ? 1 : 0, simUs: Number(parts[3]), wallMs: Date.now() };
      latestSimUs = change.simUs;
      const list = histories.get(pin) ?? [];
      list.push(change);
      histories.set(pin, list);
      for (const w of levelWaiters) {
        if (w.pin === pin && w.level === change.level) {
          levelWaiters.delete(w);
          w.resolve(change);
        }
      }
    } else if (parts[0] === 'ok') {
      replyWaiters.shift()?.resolve();
    } else if (parts[0] === 'error') {
      const waiter = replyWaiters.shift();
      const err = new Error(`simulator: ${line.slice(6)}`);
      if (waiter) waiter.reject(err);
      else stderr += `\n${line}`;
    }
  });

  const stop = async (): Promise<void> => {
    if (exited) return;
    child.stdin.end('quit\n');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exitPromise;
    clearTimeout(timer);
  };

  const timeoutMs = options.startTimeoutMs ?? 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`simulator gave no pty within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      onPty = () => {
        clearTimeout(timer);
        resolve();
      };
      void exitPromise.then(() => {
        clearTimeout(timer);
        reject(new Error(`simulator exited before it was ready: ${stderr.trim()}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  const path = ptyPath as string;
  return {
    ptyPath: path,
    level: (pin) => histories.get(pin)?.at(-1)?.level,
    history: (pin) => [...(histories.get(pin) ?? [])],
    lastSimUs: () => latestSimUs,
    waitForLevel(pin, level, ms) {
      const last = histories.get(pin)?.at(-1);
      if (last && last.level === level) return Promise.resolve(last);
      return new Promise<LevelChange>((resolve, reject) => {
        const waiter = {
          pin,
          level,
          resolve: (c: LevelChange) => {
            clearTimeout(timer);
            resolve(c);
          },
        };
        const timer = setTimeout(() => {
          levelWaiters.delete(waiter);
          const seen = (histories.get(pin) ?? []).slice(-5).map((c) => `${c.level}@${c.simUs}us`).join(', ');
          reject(new Error(`pin ${pin} did not reach level ${level} within ${ms} ms (last changes: ${seen || 'none'})`));
        }, ms);
        levelWaiters.add(waiter);
      });
    },
    setInput(pin, level) {
      if (exited) return Promise.reject(new Error(`simulator has exited: ${stderr.trim()}`));
      return new Promise<void>((resolve, reject) => {
        replyWaiters.push({ resolve, reject });
        child.stdin.write(`set ${pin} ${level}\n`);
      });
    },
    stop,
  };
}
