/**
 * An HTTPS log collector for sink tests (like a Vector or Fluent Bit HTTP source): TLS with the test CA's
 * server certificate, keeps every request (method, path, headers, body, and a batch's NDJSON lines), and answers
 * from a script: a queue of replies (status, Retry-After, delay before answering); when the queue is empty it
 * answers `fallback`.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { TestCa } from './test-ca.ts';

export interface Reply {
  status: number;
  /** A value, or a function called when answering (for an HTTP date relative to then). */
  retryAfter?: string | (() => string);
  delayMs?: number;
}

export interface ReceivedRequest {
  at: number;
  method: string;
  /** The request's path (the ingest path, or a voice message's audio below it). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The NDJSON lines of a batch (none for another body). */
  lines: Record<string, unknown>[];
  /** The body as sent. */
  body: Buffer;
  status: number;
}

export interface HttpsCollector {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  script(...replies: Reply[]): void;
  fallback: Reply;
  close(): Promise<void>;
}

export async function startHttpsCollector(port: number, ca: TestCa): Promise<HttpsCollector> {
  const queue: Reply[] = [];
  const requests: ReceivedRequest[] = [];
  const collector: HttpsCollector = {
    url: `https://127.0.0.1:${port}/ingest`,
    requests,
    script: (...replies) => queue.push(...replies),
    fallback: { status: 200 },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer({ cert: await readFile(ca.serverCert), key: await readFile(ca.serverKey) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = queue.shift() ?? collector.fallback;
      const body = Buffer.concat(chunks);
      const ndjson = (req.headers['content-type'] ?? '').startsWith('application/x-ndjson');
      const lines = ndjson ? body.toString('utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
      requests.push({ at: Date.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, lines, body, status: reply.status });
      setTimeout(() => {
        if (res.destroyed) return;
        const ra = typeof reply.retryAfter === 'function' ? reply.retryAfter() : reply.retryAfter;
        res.writeHead(reply.status, ra ? { 'Retry-After': ra } : {});
        res.end(reply.status >= 400 ? `status ${reply.status}` : '');
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return collector;
}
