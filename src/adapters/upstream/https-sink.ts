/**
 * HTTPS sink (issue 10 item 3): each batch is POSTed as NDJSON (one journal entry per line, see
 * ./journal-lines.ts) with an `Idempotency-Key` naming the unit and the seq range, so a collector (Vector,
 * Fluent Bit HTTP sources, or IT's own) can drop a resend. Only a 2xx confirms the batch; 429 and 503
 * carry their Retry-After to the sync engine; anything else is an error and the batch is resent later.
 * With voiceMessages.syncAudio on, each voice message's audio in the batch is PUT (audio/wav) to
 * `<url>/voice-messages/<unitId>/<messageId>.wav` after the batch, and the batch is confirmed only when all are.
 * Config keys: upstream.https.url, upstream.https.token, upstream.https.caFile, upstream.https.timeoutMs.
 */
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { UpstreamError } from '../../core/errors.ts';
import type { HttpsSinkConfig } from '../../config/upstream-schema.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SinkCheck, UpstreamBatch } from '../../ports/upstream.ts';
import { toNdjson } from './journal-lines.ts';
import { SinkBase } from './sink-base.ts';
import { describeProblem } from './sink-problem.ts';

export interface HttpsSinkDeps {
  config: HttpsSinkConfig;
  logger: Logger;
}

const NDJSON = 'application/x-ndjson';

interface Reply {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/** Retry-After as ms: delta-seconds or an HTTP date (RFC 9110 10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export class HttpsSink extends SinkBase {
  private readonly agent: Agent;
  private ca: Promise<string | undefined> | null = null;
  private readonly url: URL;
  /** Voice messages' audio is PUT beside the batches (see `audioUrl`). */
  readonly carriesAudio = true;

  constructor(private readonly deps: HttpsSinkDeps) {
    super('https', true, deps.logger);
    this.url = new URL(deps.config.url);
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }

  protected async deliver(batch: UpstreamBatch): Promise<void> {
    const first = batch.entries[0]?.seq ?? 0;
    const last = batch.entries.at(-1)?.seq ?? 0;
    const reply = await this.post(this.url, toNdjson(batch.unitId, batch.entries), NDJSON, { 'Idempotency-Key': `${batch.unitId}:${first}-${last}` });
    this.confirmed(reply);
    // Each voice message's audio after its slip, at a URL naming the unit and the message (a resend overwrites it).
    for (const a of batch.attachments ?? []) {
      const headers = { 'Idempotency-Key': `${batch.unitId}:voice:${a.messageId}`, 'X-Deskphone-Seq': String(a.seq), 'X-Deskphone-Ms': String(Math.round(a.ms)) };
      this.confirmed(await this.post(this.audioUrl(batch.unitId, a.messageId), a.wav, 'audio/wav', headers, 'PUT'));
    }
  }

  /** `<url>/voice-messages/<unitId>/<messageId>.wav` */
  audioUrl(unitId: string, messageId: string): URL {
    const url = new URL(this.url);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/voice-messages/${encodeURIComponent(unitId)}/${encodeURIComponent(messageId)}.wav`;
    return url;
  }

  /** Returns on a 2xx; else throws what the collector answered (with its Retry-After for 429 and 503). */
  private confirmed(reply: Reply): void {
    if (reply.status >= 200 && reply.status < 300) return;
    const wait = reply.status === 429 || reply.status === 503 ? retryAfterMs(reply.retryAfter, Date.now()) : null;
    throw new UpstreamError(this.name, `collector answered ${reply.status}${reply.body ? `: ${reply.body.slice(0, 200)}` : ''}`, {
      retryAfterMs: wait,
    });
  }

  protected async probe(): Promise<SinkCheck> {
    // An empty batch: a collector accepts it and stores nothing.
    const reply = await this.post(this.url, '', NDJSON, { 'Idempotency-Key': 'deskphone-check' });
    if (reply.status >= 200 && reply.status < 300) return { ok: true, detail: `collector answered ${reply.status}` };
    const problem = reply.status === 401 || reply.status === 403 ? 'auth' : 'http';
    return { ok: false, problem, detail: `${describeProblem(problem)}: HTTP ${reply.status}` };
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private loadCa(): Promise<string | undefined> {
    const file = this.deps.config.caFile;
    this.ca ??= file === null ? Promise.resolve(undefined) : readFile(file, 'utf8');
    return this.ca;
  }

  private async post(url: URL, body: string | Buffer, contentType: string, headers: Record<string, string>, method = 'POST'): Promise<Reply> {
    const ca = await this.loadCa();
    const { token, timeoutMs } = this.deps.config;
    return new Promise<Reply>((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          ca,
          signal: AbortSignal.timeout(timeoutMs),
          headers: {
            'Content-Type': contentType,
            'Content-Length': Buffer.byteLength(body),
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < 1000) text += chunk;
          });
          res.on('end', () => {
            const ra = res.headers['retry-after'];
            resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(ra) ? ra[0] : ra, body: text.trim() });
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err) => reject(err.name === 'AbortError' ? new Error(`no answer within ${timeoutMs} ms (timeout)`) : err));
      req.end(body);
    });
  }
}
