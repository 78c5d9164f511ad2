/** Where API tokens live: only a hash of each token is stored, never the token itself (issue 8). */
export interface StoredToken {
  name: string;
  role: string;
  /** SHA-256 of the token, hex. */
  hash: string;
  createdAt: string;
  /** A browser's own token, made by pairing (`deskphone token add --pair`): signing out on that browser revokes it. */
  device?: boolean;
}

export interface TokenStore {
  /** The tokens as stored now: a change made by another process (the CLI) is seen at the next call. */
  list(): Promise<StoredToken[]>;
  add(token: StoredToken): Promise<void>;
  /** false when no token has this name. */
  remove(name: string): Promise<boolean>;
  /** Calls `onChange` when the stored tokens may have changed (another process, a deleted file); returns the stop. */
  watch?(onChange: () => void): () => void;
}
