/**
 * Where one-time pairing codes wait to be used (issue 18): a code is stored only as its SHA-256, with the name
 * and role of the browser token it makes, when it expires and when it was used (kept a while after, so a reused
 * or expired link is told apart from a wrong one).
 */
export interface StoredPairing {
  /** SHA-256 of the code, hex. */
  hash: string;
  /** The token name the paired browser gets. */
  name: string;
  role: string;
  createdAt: string;
  expiresAt: string;
  /** When the code signed a browser in; null while unused. */
  usedAt: string | null;
}

export interface PairingStore {
  /** The codes as stored now (a code written by another process, the CLI, is seen at the next call). */
  list(): Promise<StoredPairing[]>;
  /** Replaces the stored list with what `change` makes of the current one, in one durable write. */
  update(change: (pairings: StoredPairing[]) => StoredPairing[]): Promise<void>;
}
