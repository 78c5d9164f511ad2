/**
 * `GET /api/v1/events`: Server-Sent Events (issue 8 item 8). Each event has an `id:`; a client reconnecting
 * with `Last-Event-ID` (header, or `?lastEventId=` for clients that cannot set headers) gets every event
 * after it that is still in memory, then live ones; `event: gap` says older ones were dropped. Caller data is
 * masked per viewer, like every other route, and each event goes only to viewers whose
 * role may read its kind elsewhere (replay included). A comment line every 15 s keeps proxies from closing the stream.
 * When the stream's token is revoked (or its file deleted), `event: signed-out` with `{"reason":"revoked"}` ends it;
 * when its browser signs out (DELETE /api/v1/session), `{"reason":"signedOut"}`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LiveEvent, LiveFeed } from '../../app/records/live-feed.ts';
import { BadInputError } from '../../core/errors.ts';
import type { Permission } from '../auth/permissions.ts';
import { showCaller, showSlipCaller, viewerMay, type Viewer } from '../auth/viewer.ts';

const query = z.object({ lastEventId: z.coerce.number().int().min(0).optional() }).strict();
const KEEPALIVE_MS = 15_000;

/**
 * What each kind of event needs: lights, the call's state and the call-back count are the live panel; records and
 * journal events (notes, message slips, call-back outcomes, numbers shown) are the records, shown only to a viewer who may read
 * them elsewhere (GET /api/v1/calls, /messages, /callbacks).
 */
const NEEDS: Readonly<Record<LiveEvent['type'], Permission>> = {
  light: 'live',
  call: 'live',
  record: 'calls.read',
  'journal-event': 'calls.read',
  // A count and whether one is overdue: no caller data, so the wallboard may show it too.
  callbacks: 'live',
  // A live config change: the desk rules the timers count against, and the colleagues (as GET /api/v1/directory).
  rules: 'live',
  directory: 'directory.read',
  // Issue 20 item 5: today's mode changed (or a holiday, an absence, a greeting): the mode only, for every screen.
  desk: 'live',
};

/** The event as this viewer may see it, or null when it is not theirs to see (live and replayed alike). */
export function present(viewer: Viewer): (e: LiveEvent) => unknown {
  const caller = showCaller(viewer);
  return (e) => {
    if (!viewerMay(viewer, NEEDS[e.type])) return null;
    if (e.type === 'record') return { seq: e.data.seq, ...caller(e.data.record) };
    if (e.type === 'journal-event') {
      const ev = e.data.event;
      if (ev.type !== 'message.taken') return { seq: e.data.seq, ...ev };
      return { seq: e.data.seq, ...ev, ...showSlipCaller(viewer, ev.from, ev.callbackNumber) };
    }
    return e.data;
  };
}

export function eventRoutes(app: FastifyInstance, feed: LiveFeed): void {
  app.withTypeProvider<ZodTypeProvider>().get('/api/v1/events', { schema: { querystring: query } }, (request, reply) => {
    const header = request.headers['last-event-id'];
    let after = request.query.lastEventId ?? null;
    if (typeof header === 'string' && header !== '') {
      if (!/^\d{1,15}$/.test(header)) throw new BadInputError('headers.last-event-id', 'must be the id of an event');
      after = Number(header);
    }
    if (request.method === 'HEAD') return reply.header('content-type', 'text/event-stream; charset=utf-8').send();
    const show = present(request.viewer);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    const send = (e: LiveEvent) => {
      const shown = show(e);
      if (shown !== null) res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(shown)}\n\n`);
    };
    // Tell a client that missed events no longer in memory, before the replay: it should reload its lists.
    if (feed.missedSince(after)) res.write(`event: gap\ndata: ${JSON.stringify({ after })}\n\n`);
    const unsubscribe = feed.subscribe(after, send);
    const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
    // A revoked token's stream ends at once, saying why, so the page returns to sign-in without a retry.
    const release = request.holdOpen((reason) => res.end(`event: signed-out\ndata: ${JSON.stringify({ reason })}\n\n`));
    request.raw.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
      release();
    });
  });
}
