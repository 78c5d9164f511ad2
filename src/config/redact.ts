/**
 * Hiding secrets, driven by the schema's marks (./marks.ts): a whole-value secret becomes "***"; a URL keeps
 * its destination and loses its credentials (the password, the user name where the mark says so, and query
 * parameters named like a credential: token=, password=, key=, secret=, sig=…). Works on the stored document
 * (GET /api/v1/config) and on a parsed Config (logs) alike.
 */
import type { MarkedField, SecretMark } from './marks.ts';

/** How a secret is shown, and sent back to keep its value. */
export const HIDDEN = '***';

/** Query parameters that carry a credential (libpq's `password`, `sslpassword`; `token`, `access_token`, `api_key`…). */
export const SECRET_PARAM = /passw|pwd|token|secret|apikey|api_key|^key$|^sig$|signature|credential|^auth/i;

type Doc = Record<string, unknown>;
const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The parts of a URL that are secret under `mark`, by slot name ("password", "username", "?token"). */
export function secretSlots(url: URL, userIsSecret: boolean): Map<string, string> {
  const slots = new Map<string, string>();
  if (url.password) slots.set('password', url.password);
  if (userIsSecret && url.username) slots.set('username', url.username);
  for (const [name, value] of url.searchParams) if (SECRET_PARAM.test(name) && value !== '') slots.set(`?${name}`, value);
  return slots;
}

/** Sets one slot of `url` (as secretSlots names it). */
export function setSlot(url: URL, slot: string, value: string): void {
  if (slot === 'password') url.password = value;
  else if (slot === 'username') url.username = value;
  else url.searchParams.set(slot.slice(1), value);
}

/** A URL with its credentials hidden; text that is not a URL is hidden whole. */
export function maskUrl(text: string, userIsSecret: boolean): string {
  if (!URL.canParse(text)) return HIDDEN;
  const url = new URL(text);
  const slots = secretSlots(url, userIsSecret);
  if (!slots.size) return text;
  for (const slot of slots.keys()) setSlot(url, slot, HIDDEN);
  return url.toString();
}

/** `text` (a message, a problem) with the credentials of every URL in it hidden. */
export function maskUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => {
    // A URL at the end of a sentence ("…/deskphone.json: unreachable") keeps what follows it.
    const tail = /[:,.;)]+$/.exec(url)?.[0] ?? '';
    const bare = url.slice(0, url.length - tail.length);
    return (URL.canParse(bare) ? maskUrl(bare, true) : bare) + tail;
  });
}

/** Each concrete path (array indexes filled in) `path` names in `doc`. */
export function concretePaths(doc: unknown, path: readonly string[]): string[][] {
  let found: { at: string[]; value: unknown }[] = [{ at: [], value: doc }];
  for (const key of path) {
    const next: { at: string[]; value: unknown }[] = [];
    for (const { at, value } of found) {
      if (key === '*') {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ at: [...at, String(i)], value: v }));
      } else if (isObject(value) && value[key] !== undefined) next.push({ at: [...at, key], value: value[key] });
    }
    found = next;
  }
  return found.map((f) => f.at);
}

/** The value at a concrete path, or undefined. */
export function valueAt(doc: unknown, path: readonly string[]): unknown {
  let value = doc;
  for (const key of path) {
    if (Array.isArray(value)) value = value[Number(key)];
    else if (isObject(value)) value = value[key];
    else return undefined;
  }
  return value;
}

/** Replaces the value at a concrete path that holds one. */
export function setAt(doc: unknown, path: readonly string[], value: unknown): void {
  const holder = valueAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (key === undefined) return;
  if (Array.isArray(holder)) holder[Number(key)] = value;
  else if (isObject(holder)) holder[key] = value;
}

/** The masked form of one secret value. */
export function maskValue(value: unknown, mark: SecretMark): unknown {
  if (typeof value !== 'string' || value === '') return value;
  return mark.kind === 'value' ? HIDDEN : maskUrl(value, mark.userIsSecret);
}

/** A copy of `doc` with every marked secret hidden. */
export function redactDocument<T>(doc: T, fields: readonly MarkedField<SecretMark>[]): T {
  const copy = structuredClone(doc);
  for (const { path, mark } of fields) {
    for (const at of concretePaths(copy, path)) setAt(copy, at, maskValue(valueAt(copy, at), mark));
  }
  return copy;
}
