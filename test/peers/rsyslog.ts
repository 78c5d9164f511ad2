/**
 * rsyslog (Debian) for syslog sink tests: imtcp on a loopback port, plain or TLS (gtls driver, anonymous
 * clients, the test CA's server certificate), run in the foreground with its own config; as root it runs as
 * `nobody`. rsyslog itself parses each message (RFC 5424 parser) and writes what it understood as one JSON
 * object per line: protocol version, msgid, app name, host, structured data, msg and the raw message.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCa } from './test-ca.ts';

export interface ParsedSyslog {
  version: string;
  msgid: string;
  app: string;
  host: string;
  sd: string;
  msg: string;
  raw: string;
}

export interface RsyslogPeer {
  readonly port: number;
  /** Every message rsyslog has written so far, as it parsed them. */
  messages(): Promise<ParsedSyslog[]>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function nobody(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(String(execFileSync('id', [flag, 'nobody'])).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function config(dir: string, port: number, ca: TestCa | null): string {
  const tls = ca
    ? `global(DefaultNetstreamDriverCAFile="${join(dir, 'ca.crt')}" DefaultNetstreamDriverCertFile="${join(dir, 'server.crt')}" DefaultNetstreamDriverKeyFile="${join(dir, 'server.key')}")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")`
    : 'module(load="imtcp")';
  // Control characters kept as they are (rsyslog would write a newline in a value as #012).
  return `global(workDirectory="${dir}" maxMessageSize="64k" parser.escapeControlCharactersOnReceive="off")
${tls}
input(type="imtcp" port="${port}" address="127.0.0.1")
template(name="parsed" type="list" option.jsonf="on") {
  property(outname="version" name="protocol-version" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="raw" name="rawmsg" format="jsonf")
}
*.* action(type="omfile" file="${join(dir, 'out.jsonl')}" template="parsed" flushOnTXEnd="on" asyncWriting="off")
`;
}

async function waitListening(port: number, exited: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited()) throw new Error(`rsyslogd exited: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`rsyslogd not listening on ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

export async function startRsyslog(port: number, ca: TestCa | null): Promise<RsyslogPeer> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-rsyslog-'));
  await chmod(dir, 0o777);
  const user = nobody();
  if (ca) {
    // Copies rsyslog (maybe running as nobody) can read; the key stays private to that user.
    await writeFile(join(dir, 'ca.crt'), await readFile(ca.caCert), { mode: 0o644 });
    await writeFile(join(dir, 'server.crt'), await readFile(ca.serverCert), { mode: 0o644 });
    await writeFile(join(dir, 'server.key'), await readFile(ca.serverKey), { mode: 0o600 });
    if (user) await chown(join(dir, 'server.key'), user.uid, user.gid);
  }
  const conf = join(dir, 'rsyslog.conf');
  await writeFile(conf, config(dir, port, ca), { mode: 0o644 });
  const child = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user ?? {}),
  });
  running.add(child);
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  let gone = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      gone = true;
      running.delete(child);
      resolve();
    }),
  );
  try {
    await waitListening(port, () => gone, () => log);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    async messages() {
      let text = '';
      try {
        text = await readFile(join(dir, 'out.jsonl'), 'utf8');
      } catch {
        return [];
      }
      // rsyslog may be half-way through writing the last line: only lines ended by a newline are whole.
      const whole = text.slice(0, text.lastIndexOf('\n') + 1);
      return whole.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as ParsedSyslog);
    },
    async stop() {
      if (!gone) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
