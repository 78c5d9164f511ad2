/**
 * Live event streams held open by LAN tokens: when the token store changes (a `deskphone token revoke` from
 * another process, the file deleted or made unreadable), every open stream's token is checked again and the
 * streams of tokens no longer valid are closed at once. Config keys: none.
 */
import { verifyToken } from '../../app/records/tokens.ts';
import type { Logger } from '../../ports/logger.ts';
import type { TokenStore } from '../../ports/token-store.ts';

/** Why a stream is ended: its token was revoked (or its file deleted), or its browser signed out. */
export type StreamEnd = 'revoked' | 'signedOut';

interface Held {
  token: string;
  who: string;
  close: (why: StreamEnd) => void;
}

/** Checks also run this often, in case a change went unnoticed by the watch. */
const RECHECK_MS = 10_000;

export class OpenStreams {
  private readonly held = new Set<Held>();
  private readonly stopWatch: () => void;
  private readonly timer: NodeJS.Timeout;
  private checking: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly tokens: TokenStore,
    private readonly logger: Logger,
  ) {
    this.stopWatch = tokens.watch?.(() => void this.check()) ?? (() => undefined);
    this.timer = setInterval(() => void this.check(), RECHECK_MS);
    this.timer.unref();
  }

  /** Keeps `close` to call once `token` stops being valid; returns the release for when the stream ends. */
  hold(token: string, who: string, close: (why: StreamEnd) => void): () => void {
    const entry = { token, who, close };
    this.held.add(entry);
    return () => this.held.delete(entry);
  }

  /** Ends every stream of `token` now, saying why (a sign-out, before its token is revoked). */
  end(token: string, why: StreamEnd): void {
    for (const entry of [...this.held]) {
      if (entry.token !== token) continue;
      this.held.delete(entry);
      entry.close(why);
    }
  }

  get size(): number {
    return this.held.size;
  }

  /** Checks every held token now (one check at a time; a change during one runs another after it). */
  check(): Promise<void> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = this.checkAll().finally(() => {
      this.checking = null;
      if (this.again) {
        this.again = false;
        void this.check();
      }
    });
    return this.checking;
  }

  private async checkAll(): Promise<void> {
    if (!this.held.size) return;
    for (const entry of [...this.held]) {
      const owner = await verifyToken(this.tokens, entry.token).catch(() => null);
      if (owner) continue;
      this.held.delete(entry);
      this.logger.info({ who: entry.who }, 'token no longer valid: its live event stream is closed');
      entry.close('revoked');
    }
  }

  stop(): void {
    this.stopWatch();
    clearInterval(this.timer);
    this.held.clear();
  }
}
