/**
 * Live events from `GET /api/v1/events` (SSE). EventSource cannot send the bearer token, so the stream is read
 * with fetch and parsed by eventsource-parser; on a drop it reconnects after the server's `retry` with
 * Last-Event-ID, so nothing still in the unit's memory is missed.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { authHeaders } from './api.ts';

export type LiveHandler = (type: string, data: unknown) => void;

export interface LiveStream {
  close(): void;
}

export function openLive(onEvent: LiveHandler, onState: (connected: boolean) => void): LiveStream {
  let lastId: string | null = null;
  let retryMs = 2000;
  let closed = false;
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const run = async () => {
    controller = new AbortController();
    const parser = createParser({
      onEvent(msg: EventSourceMessage) {
        if (msg.id) lastId = msg.id;
        let data: unknown = msg.data;
        try {
          data = JSON.parse(msg.data);
        } catch {
          // a plain text event
        }
        onEvent(msg.event ?? 'message', data);
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
      if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
      onState(true);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch {
      // dropped or refused: try again below
    }
    onState(false);
    if (!closed) timer = setTimeout(() => void run(), retryMs);
  };
  void run();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
    },
  };
}
