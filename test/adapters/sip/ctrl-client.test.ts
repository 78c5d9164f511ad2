// The ctrl_tcp client against a fake ctrl_tcp server (node net on 127.0.0.1:14450).
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CtrlClient } from '../../../src/adapters/sip/ctrl-client.ts';
import { NetstringDecoder, encodeNetstring } from '../../../src/adapters/sip/netstring.ts';
import { memoryLogger, type LogEntry } from '../../support/memory-logger.ts';

const PORT = 14450;

interface FakeServer {
  server: net.Server;
  conns: net.Socket[];
  received: { command: string; params: string; token: string }[];
  onCommand: (cmd: { command: string; params: string; token: string }, sock: net.Socket) => void;
  /** Messages with no command (the client's nudges): like ctrl_tcp, the fake answers none of them. */
  nudges: number;
  onNudge: (sock: net.Socket) => void;
  close(): Promise<void>;
}

function startServer(): Promise<FakeServer> {
  const fake: FakeServer = {
    server: net.createServer(),
    conns: [],
    received: [],
    onCommand: (cmd, sock) => sock.write(encodeNetstring(JSON.stringify({ response: true, ok: true, data: `did ${cmd.command}`, token: cmd.token }))),
    nudges: 0,
    onNudge: () => undefined,
    close: () => new Promise<void>((resolve) => {
      for (const c of fake.conns) c.destroy();
      fake.server.close(() => resolve());
    }),
  };
  fake.server.on('connection', (sock) => {
    fake.conns.push(sock);
    const dec = new NetstringDecoder();
    sock.on('data', (chunk) => {
      for (const text of dec.push(chunk)) {
        const cmd = JSON.parse(text) as { command: string; params: string; token: string };
        if (cmd.command === undefined) {
          fake.nudges++;
          fake.onNudge(sock);
          continue;
        }
        fake.received.push(cmd);
        fake.onCommand(cmd, sock);
      }
    });
    sock.on('error', () => undefined);
  });
  return new Promise((resolve) => fake.server.listen(PORT, '127.0.0.1', () => resolve(fake)));
}

function waitFor(client: CtrlClient, ev: 'connected' | 'disconnected'): Promise<void> {
  return new Promise((resolve) => client.once(ev, () => resolve()));
}

let fake: FakeServer;
let client: CtrlClient;
const logs: LogEntry[] = [];

beforeEach(async () => {
  fake = await startServer();
  client = new CtrlClient({ port: PORT, commandTimeoutMs: 300, reconnectInitialMs: 50, reconnectMaxMs: 200, logger: memoryLogger(logs) });
});

afterEach(async () => {
  client.stop();
  await fake.close();
});

describe('CtrlClient', () => {
  it('sends command, params and token; matches replies by token even out of order', async () => {
    const held: { cmd: { token: string; command: string }; sock: net.Socket }[] = [];
    fake.onCommand = (cmd, sock) => {
      held.push({ cmd, sock });
      if (held.length === 2) {
        // Answer the second command first, both in one write.
        const reply = (c: { token: string; command: string }) =>
          encodeNetstring(JSON.stringify({ response: true, ok: true, data: `did ${c.command}`, token: c.token }));
        sock.write(Buffer.concat([reply(held[1]!.cmd), reply(held[0]!.cmd)]));
      }
    };
    const connected = waitFor(client, 'connected');
    client.start();
    await connected;
    const [a, b] = await Promise.all([client.send('accept'), client.send('callfind', 'x@y')]);
    expect(a).toBe('did accept');
    expect(b).toBe('did callfind');
    expect(fake.received.map((r) => [r.command, r.params])).toEqual([['accept', ''], ['callfind', 'x@y']]);
    expect(new Set(fake.received.map((r) => r.token)).size).toBe(2);
  });

  it('a reply held back until this side sends something (Nagle waiting for an ACK) is released by a nudge', async () => {
    // The fake server behaves like baresip behind Nagle: after the first reply of a write, the next one goes out
    // only once the client sends data (which would carry the delayed ACK).
    const owed: { token: string; command: string }[] = [];
    const reply = (c: { token: string; command: string }) => encodeNetstring(JSON.stringify({ response: true, ok: true, data: `did ${c.command}`, token: c.token }));
    fake.onNudge = (s) => {
      const next = owed.shift();
      if (next) s.write(reply(next));
    };
    fake.onCommand = (cmd, s) => {
      owed.push(cmd);
      if (owed.length === 1) setTimeout(() => s.write(reply(owed.shift()!)), 5);
    };
    const connected = waitFor(client, 'connected');
    client.start();
    await connected;
    // commandTimeoutMs is 300: without the nudge the second and third replies would never come.
    const replies = await client.sendAll([['uafind', 'sip:a@b'], ['callfind', 'x'], ['hold']]);
    expect(replies.map((r) => r.status === 'fulfilled' && r.value)).toEqual(['did uafind', 'did callfind', 'did hold']);
    expect(fake.received.map((c) => c.command)).toEqual(['uafind', 'callfind', 'hold']);
    expect(fake.nudges).toBeGreaterThanOrEqual(2);
  });

  it('a reply held back behind an event baresip sent a moment earlier is released too: every chunk is acknowledged', async () => {
    // Measured under a 20 calls/s burst: CALL_CLOSED went out just before the hang-up's reply, and the reply waited
    // ~40 ms for the client's delayed ACK of the event (and the answer queued behind it).
    const reply = (c: { token: string; command: string }) => encodeNetstring(JSON.stringify({ response: true, ok: true, data: `did ${c.command}`, token: c.token }));
    let owed: { token: string; command: string } | null = null;
    fake.onNudge = (s) => {
      if (owed) s.write(reply(owed));
      owed = null;
    };
    fake.onCommand = (cmd, s) => {
      owed = cmd;
      s.write(encodeNetstring(JSON.stringify({ event: true, type: 'CALL_CLOSED', class: 'call', id: 'c1', param: 'Connection reset by peer' })));
    };
    const events: string[] = [];
    client.on('event', (e) => events.push(e.type));
    const connected = waitFor(client, 'connected');
    client.start();
    await connected;
    await expect(client.send('hangup')).resolves.toBe('did hangup');
    expect(events).toEqual(['CALL_CLOSED']);
  });

  it('ok:false rejects with SipError carrying baresip\'s text', async () => {
    fake.onCommand = (cmd, sock) => sock.write(encodeNetstring(JSON.stringify({ response: true, ok: false, data: 'Invalid argument', token: cmd.token })));
    const connected = waitFor(client, 'connected');
    client.start();
    await connected;
    await expect(client.send('hold')).rejects.toMatchObject({ code: 'E_SIP', message: expect.stringContaining('Invalid argument') });
  });

  it('no reply in time rejects with SipTimeoutError; a late reply is ignored', async () => {
    let late: (() => void) | null = null;
    fake.onCommand = (cmd, sock) => {
      late = () => sock.write(encodeNetstring(JSON.stringify({ response: true, ok: true, data: '', token: cmd.token })));
    };
    const connected = waitFor(client, 'connected');
    client.start();
    await connected;
    await expect(client.send('accept')).rejects.toMatchObject({ code: 'E_SIP_TIMEOUT' });
    late!();
    fake.onCommand = (cmd, sock) => sock.write(encodeNetstring(JSON.stringify({ response: true, ok: true, data: 'fine', token: cmd.token })));
    await expect(client.send('listcalls')).resolves.toBe('fine');
  });

  it('emits events, and rejects commands while disconnected', async () => {
    await expect(client.send('accept')).rejects.toMatchObject({ code: 'E_SIP' });
    const connected = waitFor(client, 'connected');
    client.start();
    await connected;
    const got = new Promise((resolve) => client.once('event', resolve));
    fake.conns[0]!.write(encodeNetstring(JSON.stringify({ event: true, type: 'CALL_INCOMING', id: 'c1', peeruri: 'sip:1@h' })));
    await expect(got).resolves.toMatchObject({ type: 'CALL_INCOMING', id: 'c1' });
  });

  it('garbage on the socket: drops the link, fails pending commands, reconnects and works again', async () => {
    fake.onCommand = () => undefined;
    let connected = waitFor(client, 'connected');
    client.start();
    await connected;
    const pending = client.send('accept');
    const dropped = waitFor(client, 'disconnected');
    connected = waitFor(client, 'connected');
    fake.conns[0]!.write('HTTP/1.1 400 Bad Request\r\n\r\n');
    await expect(pending).rejects.toMatchObject({ code: 'E_SIP', message: expect.stringContaining('dropped') });
    await dropped;
    await connected;
    expect(logs.some((l) => l.line.includes("netstring at byte 0: expected a length digit, got 'H'"))).toBe(true);
    fake.onCommand = (cmd, sock) => sock.write(encodeNetstring(JSON.stringify({ response: true, ok: true, data: 'back', token: cmd.token })));
    await expect(client.send('listcalls')).resolves.toBe('back');
    expect(fake.conns.length).toBe(2);
  });

  it('non-JSON payloads in valid frames are logged and ignored, the link stays up', async () => {
    const connected = waitFor(client, 'connected');
    client.start();
    await connected;
    fake.conns[0]!.write(encodeNetstring('not json'));
    await expect(client.send('listcalls')).resolves.toBe('did listcalls');
    expect(fake.conns.length).toBe(1);
  });

  it('server gone: reconnects with backoff once it is back', async () => {
    const connected = waitFor(client, 'connected');
    client.start();
    await connected;
    const dropped = waitFor(client, 'disconnected');
    await fake.close();
    await dropped;
    const again = waitFor(client, 'connected');
    fake = await startServer();
    await again;
    await expect(client.send('reginfo')).resolves.toBe('did reginfo');
  });

  it('stop() removes listeners and stops reconnecting', async () => {
    const connected = waitFor(client, 'connected');
    client.start();
    await connected;
    client.stop();
    expect(client.listenerCount('event')).toBe(0);
    expect(client.isConnected).toBe(false);
    const before = fake.conns.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.conns.length).toBe(before);
  });
});
