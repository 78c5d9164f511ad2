/**
 * A TCP proxy for fault injection between the unit and a server on loopback: pass traffic, drop every
 * connection, cut the next request in the middle (half of it forwarded, then both sides closed), stall
 * responses or both directions for a while, or refuse new connections (the listener closes: ECONNREFUSED).
 */
import { createServer, Socket, type Server } from 'node:net';

interface Pair {
  client: Socket;
  server: Socket;
}

export interface TcpProxy {
  readonly port: number;
  /** Destroys every open connection now; returns how many there were. */
  dropAll(): number;
  /** The next chunk a client sends is forwarded only in part, then the connection is torn down. */
  cutNextRequest(): void;
  /** Stops forwarding for `ms`: server→client only ('responses') or both ways. */
  stall(ms: number, direction: 'responses' | 'both'): Promise<void>;
  /** Closes the listener for `ms` (new connections are refused), dropping open ones too. */
  refuse(ms: number): Promise<void>;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startTcpProxy(port: number, targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let cutNext = false;
  let stalled: { until: Promise<void>; direction: 'responses' | 'both' } | null = null;
  let accepted = 0;
  let server: Server;

  const forward = (from: Socket, to: Socket, isRequest: boolean, pair: Pair) => {
    from.on('data', (chunk: Buffer) => {
      if (isRequest && cutNext && chunk.length > 1) {
        cutNext = false;
        to.write(chunk.subarray(0, Math.floor(chunk.length / 2)));
        destroy(pair);
        return;
      }
      const hold = stalled && (stalled.direction === 'both' || !isRequest) ? stalled.until : null;
      if (hold) {
        from.pause();
        void hold.then(() => {
          if (!to.destroyed) to.write(chunk);
          from.resume();
        });
        return;
      }
      to.write(chunk);
    });
  };

  const destroy = (pair: Pair) => {
    pair.client.destroy();
    pair.server.destroy();
    pairs.delete(pair);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        accepted++;
        const upstream = new Socket();
        const pair = { client, server: upstream };
        pairs.add(pair);
        client.on('error', () => destroy(pair));
        upstream.on('error', () => destroy(pair));
        client.on('close', () => destroy(pair));
        upstream.on('close', () => destroy(pair));
        forward(client, upstream, true, pair);
        forward(upstream, client, false, pair);
        upstream.connect(targetPort, targetHost);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });

  const closeListener = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const dropAll = () => {
    const open = [...pairs];
    for (const p of open) destroy(p);
    return open.length;
  };

  await listen();
  return {
    port,
    get connections() {
      return accepted;
    },
    dropAll,
    cutNextRequest() {
      cutNext = true;
    },
    async stall(ms, direction) {
      let release!: () => void;
      stalled = { until: new Promise<void>((r) => (release = r)), direction };
      await new Promise((r) => setTimeout(r, ms));
      stalled = null;
      release();
    },
    async refuse(ms) {
      const closed = closeListener();
      dropAll();
      await closed;
      await new Promise((r) => setTimeout(r, ms));
      await listen();
    },
    async close() {
      cutNext = false;
      const closed = closeListener();
      dropAll();
      await closed;
    },
  };
}
