/**
 * Small durable state beside the journal: sync cursors, tokens, settings. Never calls (they live in the
 * journal). `set` resolves only once the new value is on disk; a crash leaves either the old or the new file.
 */
export interface StateStore {
  open(): Promise<void>;
  /** The value stored under `key`, or undefined. */
  get(key: string): unknown;
  /** Stores `value` (JSON) under `key`, durably. Writes are applied in call order. */
  set(key: string, value: unknown): Promise<void>;
  close(): Promise<void>;
}
