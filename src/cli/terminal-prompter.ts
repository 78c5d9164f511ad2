/** The self-test's Prompter on a terminal: prints each line, reads y/n answers from standard input. */
import { createInterface, type Interface } from 'node:readline';
import type { Answer, Prompter } from '../app/self-test.ts';

const YES = new Set(['y', 'yes', '是', '对', 'ok']);
const NO = new Set(['n', 'no', '否', '不']);

export class TerminalPrompter implements Prompter {
  private readonly rl: Interface;
  private readonly lines: string[] = [];
  private waiter: ((line: string | null) => void) | undefined;
  private closed = false;

  constructor(
    input: NodeJS.ReadableStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {
    this.rl = createInterface({ input, terminal: false });
    this.rl.on('line', (line) => {
      if (this.waiter) this.waiter(line);
      else this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.closed = true;
      this.waiter?.(null);
    });
  }

  say(text: string): void {
    this.output.write(`${text}\n`);
  }

  async waitFor(_kind: 'confirm', timeoutMs: number): Promise<Answer> {
    for (;;) {
      const line = await this.nextLine(timeoutMs);
      if (line === null) return 'timeout';
      const word = line.trim().toLowerCase();
      if (YES.has(word)) return 'yes';
      if (NO.has(word)) return 'no';
      this.say('请输入 y 或 n / Please answer y or n');
    }
  }

  close(): void {
    this.rl.close();
  }

  private nextLine(timeoutMs: number): Promise<string | null> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), timeoutMs);
      const finish = (line: string | null) => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(line);
      };
      this.waiter = finish;
    });
  }
}
