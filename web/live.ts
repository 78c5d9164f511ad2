/**
 * Live events from `GET /api/v1/events` (SSE). EventSource cannot send the bearer token, so the stream is read
 * with fetch and parsed by eventsource-parser; on a drop it reconnects after the server's `retry` with
 * Last-Event-ID, so nothing still in the unit's memory is missed. One connection per tab, shared by every part of
 * the page that listens (a browser keeps at most six connections to the unit across all its tabs). When the
 * unit ends the stream because the token was revoked (`event: signed-out`), or refuses it (401), the page is told
 * at once (./sign-in-state.ts) instead of retrying.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { authHeaders } from './api.ts';
import { signedOut, type SignedOutReason } from './sign-in-state.ts';

export type LiveHandler = (type: string, data: unknown) => void;

export interface LiveStream {
  close(): void;
}

interface Listener {
  onEvent: LiveHandler;
  onState: (connected: boolean) => void;
}

const listeners = new Set<Listener>();
let connected = false;
let stopConnection: (() => void) | null = null;

function setConnected(up: boolean): void {
  connected = up;
  for (const l of [...listeners]) l.onState(up);
}

/** The tab's one connection, while anyone listens. */
function connect(): () => void {
  let lastId: string | null = null;
  let retryMs = 2000;
  let closed = false;
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const run = async () => {
    controller = new AbortController();
    let ended: SignedOutReason | null = null;
    const parser = createParser({
      onEvent(msg: EventSourceMessage) {
        if (msg.id) lastId = msg.id;
        let data: unknown = msg.data;
        try {
          data = JSON.parse(msg.data);
        } catch {
          // a plain text event
        }
        if (msg.event === 'signed-out') ended = (data as { reason?: string } | null)?.reason === 'signedOut' ? 'signedOut' : 'revoked';
        for (const l of [...listeners]) l.onEvent(msg.event ?? 'message', data);
      },
      onRetry(ms: number) {
        retryMs = ms;
      },
    });
    try {
      const res = await fetch('/api/v1/events', {
        headers: { ...authHeaders(), ...(lastId ? { 'last-event-id': lastId } : {}) },
        signal: controller.signal,
      });
      if (res.status === 401) ended = 'revoked';
      if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
      setConnected(true);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch {
      // dropped or refused: try again below
    }
    if (connected) setConnected(false);
    if (closed) return;
    if (ended) signedOut(ended);
    else timer = setTimeout(() => void run(), retryMs);
  };
  void run();
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    controller?.abort();
  };
}

export function openLive(onEvent: LiveHandler, onState: (connected: boolean) => void): LiveStream {
  const listener = { onEvent, onState };
  listeners.add(listener);
  if (!stopConnection) stopConnection = connect();
  else if (connected) queueMicrotask(() => listeners.has(listener) && onState(true));
  return {
    close() {
      if (!listeners.delete(listener) || listeners.size > 0) return;
      stopConnection?.();
      stopConnection = null;
      connected = false;
    },
  };
}
