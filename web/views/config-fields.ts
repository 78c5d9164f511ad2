/**
 * The config document as rows the installer edits one by one (issue 18 item 10): each leaf value with its dotted
 * path, what kind of value it is, and what the unit says of it (GET /api/v1/config/fields): a secret (shown as set
 * or not, never echoed), a field only the file on the unit sets, a key that applies live or after a restart.
 * Lists of objects (the directory, line accounts) are opened per element; other lists stay JSON text.
 */
export interface FieldInfo {
  secrets: string[];
  boxOnly: string[];
  live: string[];
  writable: boolean;
}

export type Kind = 'text' | 'number' | 'boolean' | 'json' | 'secret';

export interface Row {
  path: string[];
  key: string;
  kind: Kind;
  value: unknown;
  boxOnly: boolean;
  live: boolean;
}

/** What a hidden secret looks like in the document the API serves. */
export const HIDDEN = '***';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `a.0.b` matches the pattern `a.*.b`; with `under`, a pattern also covers every field below it. */
function covered(path: string[], patterns: string[], under = true): boolean {
  return patterns.some((p) => {
    const parts = p.split('.');
    return (under ? parts.length <= path.length : parts.length === path.length) && parts.every((part, i) => part === '*' || part === path[i]);
  });
}

function kindOf(value: unknown, secret: boolean): Kind {
  if (secret) return 'secret';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'text';
  return 'json';
}

export function rowsOf(doc: unknown, info: FieldInfo): Row[] {
  const out: Row[] = [];
  const visit = (value: unknown, path: string[]) => {
    const secret = covered(path, info.secrets, false);
    if (!secret && isObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
      return;
    }
    if (!secret && Array.isArray(value) && value.length > 0 && value.every(isObject)) {
      value.forEach((v, i) => visit(v, [...path, String(i)]));
      return;
    }
    out.push({ path, key: path.join('.'), kind: kindOf(value, secret), value, boxOnly: covered(path, info.boxOnly), live: info.live.includes(path[0] ?? '') });
  };
  if (isObject(doc)) for (const [k, v] of Object.entries(doc)) visit(v, [k]);
  return out;
}

/** The text an input shows for a row's value. */
export function shown(row: Row): string {
  if (row.kind === 'json') return JSON.stringify(row.value);
  return row.value === null || row.value === undefined ? '' : String(row.value);
}

/**
 * The value to store for what was typed: a number when it reads as one (else the text, for the unit to refuse by
 * field), JSON for a list or null, the text otherwise. Undefined: JSON that does not parse (said on the page).
 */
export function parsed(row: Row, typed: string | boolean): unknown {
  if (typeof typed === 'boolean') return typed;
  if (row.kind === 'number') return typed.trim() !== '' && Number.isFinite(Number(typed)) ? Number(typed) : typed;
  if (row.kind === 'json') {
    try {
      return JSON.parse(typed) as unknown;
    } catch {
      return undefined;
    }
  }
  return typed;
}

/** Writes `value` at `path` of `doc` (changed in place). */
export function setAt(doc: unknown, path: string[], value: unknown): void {
  let holder = doc as Record<string, unknown>;
  for (const k of path.slice(0, -1)) holder = holder[k] as Record<string, unknown>;
  holder[path[path.length - 1] as string] = value;
}
