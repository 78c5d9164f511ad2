/**
 * Signing a browser in once per desk (issue 18): `deskphone token add --pair` stores a one-time pairing code
 * (only its SHA-256) for a token name and role; the code leaves the unit only as the printed link or QR code.
 * The browser that opens the link sends the code once and gets its own token (a device token: the role of the
 * `token add`, revoked like any other, and by signing out on that browser). A code works once, for
 * PAIRING_TTL_MS; a used or expired one is kept a day so the browser can be told which it was.
 * Expiry is wall-clock time: the code is written by the CLI and checked by the unit, two processes that share no
 * monotonic clock; a code stamped in the future (a clock stepped back) is refused as not yet valid.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { FieldError } from '../../core/errors.ts';
import type { PairingStore, StoredPairing } from '../../ports/pairing-store.ts';
import type { TokenStore } from '../../ports/token-store.ts';
import { addToken, checkNewToken, type Role } from '../records/tokens.ts';

/** How long a pairing link works. */
export const PAIRING_TTL_MS = 10 * 60_000;
/** How long a used or expired code is remembered (to say "used" or "expired" instead of "unknown"). */
const KEEP_MS = 24 * 3_600_000;
/** The code: 128 random bits, URL-safe (it travels in the link's fragment, which browsers never send). */
const CODE = /^[A-Za-z0-9_-]{16,64}$/;

/** The pairing code is not one the unit made (mistyped, or from another unit). */
export class PairingUnknownError extends FieldError {
  constructor() {
    super('E_PAIRING_UNKNOWN', 'body.code', 'this pairing code is not known here: open the link exactly as printed, or make a new one (deskphone token add --pair)');
  }
}

/** The pairing code's ten minutes are over. */
export class PairingExpiredError extends FieldError {
  constructor(expiresAt: string) {
    super('E_PAIRING_EXPIRED', 'body.code', `this pairing link expired at ${expiresAt}: make a new one (deskphone token add --pair)`);
  }
}

/** The pairing code signed a browser in already. */
export class PairingUsedError extends FieldError {
  constructor(usedAt: string) {
    super('E_PAIRING_USED', 'body.code', `this pairing link was used at ${usedAt} and works only once: make a new one (deskphone token add --pair)`);
  }
}

const hashOf = (code: string) => createHash('sha256').update(code, 'utf8').digest();

const sameHash = (stored: string, presented: Buffer) => {
  const hash = Buffer.from(stored, 'hex');
  return hash.length === presented.length && timingSafeEqual(hash, presented);
};

/** Entries still worth keeping at `now`: unused and unexpired, or used/expired less than a day ago. */
const kept = (now: number) => (p: StoredPairing) => Date.parse(p.expiresAt) + KEEP_MS > now;

export interface NewPairing {
  code: string;
  name: string;
  role: Role;
  expiresAt: string;
}

/**
 * Makes a pairing code for a browser token named `name` with `role` (the name must be free among tokens and
 * codes still open). Returns the code: the caller prints it as a link, it is stored only hashed.
 */
export async function startPairing(tokens: TokenStore, pairings: PairingStore, name: string, role: string, now: Date): Promise<NewPairing> {
  const checked = await checkNewToken(tokens, name, role);
  const at = now.getTime();
  const open = (await pairings.list()).filter((p) => p.usedAt === null && Date.parse(p.expiresAt) > at);
  if (open.some((p) => p.name === name)) throw new FieldError('E_BAD_INPUT', 'name', `a pairing link for "${name}" is still open (until it is used or expires): choose another name`);
  const code = randomBytes(16).toString('base64url');
  const expiresAt = new Date(at + PAIRING_TTL_MS).toISOString();
  const entry: StoredPairing = { hash: hashOf(code).toString('hex'), name, role: checked, createdAt: now.toISOString(), expiresAt, usedAt: null };
  await pairings.update((list) => [...list.filter(kept(at)), entry]);
  return { code, name, role: checked, expiresAt };
}

export interface Paired {
  token: string;
  name: string;
  role: Role;
}

/**
 * Uses a pairing code: marks it used, then makes the browser's device token. Callers in one process run these
 * one at a time (PairingDesk below), so two browsers racing with one link get one token between them.
 */
export async function redeemPairing(tokens: TokenStore, pairings: PairingStore, code: string, now: Date): Promise<Paired> {
  if (!CODE.test(code)) throw new PairingUnknownError();
  const presented = hashOf(code);
  const at = now.getTime();
  let found: StoredPairing | undefined;
  for (const p of await pairings.list()) if (sameHash(p.hash, presented)) found = p;
  if (!found) throw new PairingUnknownError();
  if (found.usedAt !== null) throw new PairingUsedError(found.usedAt);
  if (at >= Date.parse(found.expiresAt) || at < Date.parse(found.createdAt) - 60_000) throw new PairingExpiredError(found.expiresAt);
  const used = found;
  await pairings.update((list) => list.filter(kept(at)).map((p) => (p.hash === used.hash ? { ...p, usedAt: now.toISOString() } : p)));
  const token = await addToken(tokens, used.name, used.role, now, true);
  return { token, name: used.name, role: used.role as Role };
}

/** The link the CLI prints: the code in the fragment, so it is never sent in a request line or logged. */
export function pairingLink(host: string, port: number, code: string): string {
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `https://${name}${port === 443 ? '' : `:${port}`}/pair#${code}`;
}

/** Redemptions in the running unit, one at a time. */
export class PairingDesk {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly tokens: TokenStore,
    private readonly pairings: PairingStore,
    private readonly now: () => Date,
  ) {}

  redeem(code: string): Promise<Paired> {
    const next = this.chain.then(() => redeemPairing(this.tokens, this.pairings, code, this.now()));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Whether `name` is a paired browser's token (signing out there revokes it). */
  async isDevice(name: string): Promise<boolean> {
    return (await this.tokens.list()).some((t) => t.name === name && t.device === true);
  }

  /** Signing out on a paired browser revokes its token; a token typed in by hand is only forgotten there. */
  signOut(name: string): Promise<boolean> {
    const next = this.chain.then(async () => (await this.tokens.list()).some((t) => t.name === name && t.device === true) && this.tokens.remove(name));
    this.chain = next.catch(() => undefined);
    return next;
  }
}
