/** `deskphone ports`: lists serial ports that could be the panel board (for `panel.port`). */
import type { Command } from 'commander';
import { listPorts } from '../../adapters/panel/list-ports.ts';
import { EXIT } from '../exit-codes.ts';

export function registerPorts(program: Command, out: NodeJS.WritableStream, done: (code: Promise<number>) => void): void {
  program
    .command('ports')
    .description('list serial ports that could be the panel board')
    .action(() => done(ports(out)));
}

async function ports(out: NodeJS.WritableStream): Promise<number> {
  const found = await listPorts();
  if (found.length === 0) out.write('未找到串口 / No serial ports found\n');
  for (const p of found) {
    const about = [p.manufacturer, p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : undefined]
      .filter(Boolean)
      .join(' ');
    out.write(`${p.likelyBoard ? '*' : ' '} ${p.path}${about ? `  (${about})` : ''}\n`);
  }
  return EXIT.ok;
}
