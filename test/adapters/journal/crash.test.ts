import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import { captureLogger, tempDir } from './support.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'append-loop.ts');
const KILLS = 6;

let dir: string;
let cleanup: () => Promise<void>;
const children: ChildProcess[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await cleanup();
});

/** Runs the appender until it has acknowledged at least `acks` records, then kills it with SIGKILL. */
function runAndKill(tag: string, acks: number): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, tag], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const acked = new Map<number, string>();
    let buffered = '';
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^ack (\d+) (\S+)$/.exec(line);
        if (m) acked.set(Number(m[1]), m[2] as string);
      }
      if (acked.size >= acks && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`appender exited by itself (code ${code}): ${stderr}`));
    });
  });
}

describe('JsonlJournal under SIGKILL', () => {
  it('loses no acknowledged record across repeated kills and reopens', async () => {
    const acked = new Map<number, string>();
    for (let run = 0; run < KILLS; run++) {
      const got = await runAndKill(`run${run}`, 30 + run * 17);
      expect(got.size).toBeGreaterThanOrEqual(30);
      for (const [seq, id] of got) {
        expect(acked.has(seq)).toBe(false); // a seq is never handed out twice
        acked.set(seq, id);
      }
    }

    const logger = captureLogger();
    const journal = new JsonlJournal({ dir, logger });
    await journal.open();
    try {
      const all = [];
      let beforeSeq: number | undefined;
      for (;;) {
        const page = await journal.list({ limit: 100, beforeSeq });
        if (page.length === 0) break;
        all.push(...page);
        beforeSeq = page.at(-1)?.seq;
      }
      const stored = new Map(all.map((e) => [e.seq, e.record.id]));
      expect(stored.size).toBe(all.length);
      for (const [seq, id] of acked) expect(stored.get(seq), `seq ${seq}`).toBe(id);
      // Each run continued after the previous one: seq order is run order.
      const runs = [...stored.entries()].sort((a, b) => a[0] - b[0]).map(([, id]) => Number(/^run(\d+)-/.exec(id)?.[1]));
      expect(runs).toEqual([...runs].sort((a, b) => a - b));
      expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await journal.close();
    }
  });
});
