/**
 * Syslog sink (issue 10 item 4): RFC 5424 over TCP with octet-counting framing (RFC 6587), or over TLS
 * (RFC 5425, the server's certificate checked against caFile or the system's CAs). Best effort: syslog has no
 * acknowledgement, so a batch counts as sent once the connection has taken the bytes; messages in the
 * kernel's buffers when the connection breaks can be lost. Caller numbers, names, notes and messages go
 * only over TLS. One connection, reopened on the next batch after an error.
 * Config keys: upstream.syslog.host, upstream.syslog.port, upstream.syslog.tls, upstream.syslog.caFile,
 * upstream.syslog.appName, upstream.syslog.timeoutMs; `unitId` (in every message).
 */
import { readFile } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import type { SyslogSinkConfig } from '../../config/upstream-schema.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SinkCheck, UpstreamBatch } from '../../ports/upstream.ts';
import { SinkBase } from './sink-base.ts';
import { frame, syslogMessage, type SyslogFormat } from './syslog-format.ts';

export interface SyslogSinkDeps {
  config: SyslogSinkConfig;
  logger: Logger;
}

export class SyslogSink extends SinkBase {
  private socket: Socket | null = null;
  private readonly port: number;

  constructor(private readonly deps: SyslogSinkDeps) {
    super('syslog', false, deps.logger);
    this.port = deps.config.port ?? (deps.config.tls ? 6514 : 601);
    if (!deps.config.tls) this.log.info('syslog without TLS: caller numbers, names, notes and messages are left out of the messages');
  }

  protected async deliver(batch: UpstreamBatch): Promise<void> {
    const format: SyslogFormat = { hostname: safeHostname(), appName: this.deps.config.appName, unitId: batch.unitId, personal: this.deps.config.tls };
    const bytes = Buffer.concat(batch.entries.map((e) => frame(syslogMessage(format, e))));
    const socket = await this.connected();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`write not taken within ${this.deps.config.timeoutMs} ms (timeout)`)), this.deps.config.timeoutMs);
      socket.write(bytes, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    });
  }

  protected async probe(): Promise<SinkCheck> {
    try {
      await this.connected();
      return { ok: true, detail: `connected to ${this.deps.config.host}:${this.port}${this.deps.config.tls ? ' over TLS' : ' (no TLS: personal data left out)'}; syslog is best effort` };
    } finally {
      this.discardConnection();
    }
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 1000).unref();
    });
  }

  protected override discardConnection(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private async connected(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed && this.socket.writable) return this.socket;
    this.discardConnection();
    const { host, tls, caFile, timeoutMs } = this.deps.config;
    const ca = tls && caFile ? await readFile(caFile, 'utf8') : undefined;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = tls
        ? tlsConnect({ host, port: this.port, ca, servername: isIp(host) ? undefined : host }, () => resolve(s))
        : netConnect({ host, port: this.port }, () => resolve(s));
      s.setTimeout(timeoutMs, () => s.destroy(new Error(`no connection within ${timeoutMs} ms (timeout)`)));
      s.once('error', reject);
    });
    socket.setTimeout(0);
    socket.setKeepAlive(true, 30_000);
    // Errors after connecting surface on the next write; keep the process from treating them as unhandled.
    socket.on('error', this.connectionLost);
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
    });
    // The server sends nothing; reading keeps a FIN from going unnoticed.
    socket.resume();
    this.socket = socket;
    return socket;
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function safeHostname(): string {
  const h = hostname().replace(/[^!-~]/g, '');
  return h === '' ? '-' : h.slice(0, 255);
}
