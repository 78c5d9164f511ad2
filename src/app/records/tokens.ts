/**
 * API tokens (issue 8): `add` makes a random token, returns it once and stores only its SHA-256; `verify`
 * compares hashes in constant time against every stored token (no early exit that would tell how close a
 * guess came). Roles: `it` reads everything with full numbers and exports; `reception` sees the live panel and
 * writes notes, messages and call-backs, sees callers' names and their numbers masked in the middle (R11);
 * `installer` reads and writes configuration; `wallboard` (a screen others can see) sees counts and states only.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BadInputError } from '../../core/errors.ts';
import type { StoredToken, TokenStore } from '../../ports/token-store.ts';

export const ROLES = ['it', 'reception', 'installer', 'wallboard'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenOwner {
  name: string;
  role: Role;
  /** Made by pairing a browser. */
  device: boolean;
}

const NAME = /^[A-Za-z0-9._-]{1,40}$/;
/** Tokens start with a fixed prefix so a leaked one is easy to recognise in a scan. */
const PREFIX = 'dpt_';

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Refuses a name or role a new token cannot have (the name is taken, or not one the CLI can type). */
export async function checkNewToken(store: TokenStore, name: string, role: string): Promise<Role> {
  if (!NAME.test(name)) throw new BadInputError('name', 'letters, digits and . _ - only, 1 to 40');
  if (!isRole(role)) throw new BadInputError('role', `must be one of ${ROLES.join(', ')}`);
  if ((await store.list()).some((t) => t.name === name)) throw new BadInputError('name', `a token named "${name}" exists; revoke it first`);
  return role;
}

/** `device`: a browser's token made by pairing (signing out there revokes it). */
export async function addToken(store: TokenStore, name: string, role: string, now: Date, device = false): Promise<string> {
  await checkNewToken(store, name, role);
  const token = PREFIX + randomBytes(32).toString('base64url');
  await store.add({ name, role, hash: hashOf(token).toString('hex'), createdAt: now.toISOString(), ...(device ? { device: true } : {}) });
  return token;
}

export async function revokeToken(store: TokenStore, name: string): Promise<void> {
  if (!(await store.remove(name))) throw new BadInputError('name', `no token named "${name}"`);
}

export async function listTokens(store: TokenStore): Promise<Omit<StoredToken, 'hash'>[]> {
  return (await store.list()).map(({ name, role, createdAt, device }) => ({ name, role, createdAt, ...(device ? { device } : {}) }));
}

/** The owner of `token`, or null. Every stored hash is compared, each in constant time. */
export async function verifyToken(store: TokenStore, token: string): Promise<TokenOwner | null> {
  const presented = hashOf(token);
  let found: TokenOwner | null = null;
  for (const stored of await store.list()) {
    const hash = Buffer.from(stored.hash, 'hex');
    if (hash.length === presented.length && timingSafeEqual(hash, presented) && isRole(stored.role)) {
      found = { name: stored.name, role: stored.role, device: stored.device === true };
    }
  }
  return found;
}
