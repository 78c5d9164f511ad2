/**
 * A Server-Sent Events reader for tests: collects `id`/`event`/`data` blocks (comments and `retry:` skipped) from
 * a request the caller makes (plain HTTP or HTTPS with a token), and waits for a number of events.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';

export interface Sse {
  id: number | null;
  event: string;
  data: unknown;
}

/** `start` makes the request and hands its response to the callback it is given. */
export function openSse(start: (onResponse: (res: IncomingMessage) => void) => ClientRequest) {
  const events: Sse[] = [];
  let res: IncomingMessage | undefined;
  let buffered = '';
  const waiters: { n: number; resolve: () => void }[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const req = start((r) => {
      res = r;
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => {
        buffered += chunk;
        let cut: number;
        while ((cut = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, cut);
          buffered = buffered.slice(cut + 2);
          const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
          const event = field('event');
          if (event === undefined) continue;
          const id = field('id');
          events.push({ id: id === undefined ? null : Number(id), event, data: JSON.parse(field('data') ?? 'null') });
        }
        for (const w of waiters.filter((w) => events.length >= w.n)) w.resolve();
      });
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
  return {
    events,
    ready,
    status: () => res?.statusCode,
    until: (n: number) => (events.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: () => res?.destroy(),
  };
}
