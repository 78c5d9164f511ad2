/**
 * A stand-in for systemd's NOTIFY_SOCKET: a unix datagram socket that records every message it receives.
 * Node 20 cannot open unix datagram sockets, so a few lines of Perl (perl-base is an essential Debian package,
 * on every Debian machine) bind it and print each datagram as one line of hex. Reading with plain recv() drops the file
 * descriptor that `systemd-notify` passes with BARRIER=1, which closes it: exactly what systemd does to
 * release the sender.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const RECEIVER = `
use strict; use Socket;
my $path = shift; $| = 1;
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
bind($s, pack_sockaddr_un($path)) or die "bind: $!";
print "LISTENING\\n";
while (1) { my $buf; defined(recv($s, $buf, 65536, 0)) or die "recv: $!"; print "MSG ", unpack("H*", $buf), "\\n"; }
`;

export interface NotifySocket {
  /** The path to put in NOTIFY_SOCKET. */
  readonly path: string;
  /** Every message received so far; each is the list of its VAR=VALUE lines. */
  readonly messages: string[][];
  /** Resolves with the first message that has a line `line` (e.g. "READY=1"). */
  waitFor(line: string, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startNotifySocket(): Promise<NotifySocket> {
  const dir = mkdtempSync(join(tmpdir(), 'deskphone-notify-'));
  const path = join(dir, 'notify.sock');
  const child: ChildProcess = spawn('perl', ['-e', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: string[][] = [];
  const waiters: Array<{ line: string; resolve: (m: string[]) => void }> = [];
  let listening: () => void;
  const ready = new Promise<void>((r) => (listening = r));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    if (text === 'LISTENING') return listening();
    if (!text.startsWith('MSG ')) return;
    const msg = Buffer.from(text.slice(4), 'hex').toString('utf8').split('\n');
    messages.push(msg);
    for (const w of waiters.splice(0)) {
      if (msg.includes(w.line)) w.resolve(msg);
      else waiters.push(w);
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await Promise.race([ready, exited.then(() => Promise.reject(new Error('notify socket receiver exited')))]);
  return {
    path,
    messages,
    waitFor(line, timeoutMs = 10_000) {
      const seen = messages.find((m) => m.includes(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${line} on the notify socket; got ${JSON.stringify(messages)}`)), timeoutMs);
        waiters.push({ line, resolve: (m) => (clearTimeout(t), resolve(m)) });
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
