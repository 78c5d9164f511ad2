/** Runs the CLI in-process with its output kept as text, for assertions. */
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.ts';

/** A writable stream that keeps what is written to it. */
export function sink(): { stream: PassThrough; text: () => string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (c: Buffer) => (text += c.toString()));
  return { stream: s, text: () => text };
}

export async function cli(args: string[]): Promise<{ code: number; text: string; errText: string }> {
  const out = sink();
  const err = sink();
  const code = await runCli(args, out.stream, err.stream);
  return { code, text: out.text(), errText: err.text() };
}
