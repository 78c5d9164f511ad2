/**
 * Marks the config schema carries about its own fields, and the walk that finds them:
 * - `secret(schema, mark)`: a secret (a password, a token) or a URL that may carry credentials (userinfo,
 *   `password=` / `token=`-like query parameters). GET /api/v1/config, logs and `check-config` show it masked
 *   (./redact.ts); a masked secret sent back over the API is kept only while its destination is unchanged
 *   (./hidden-secrets.ts).
 * - `boxOnly(schema)`: program paths, listener addresses, where caller data is sent, where the unit keeps its
 *   state or takes its config from: never writable over the API, only in the file on the unit itself.
 * Paths are key lists from the config root; `*` stands for any array index.
 */
import { z } from 'zod';

export type SecretMark =
  /** A whole-value secret; `destination`: the fields that say where it is sent (`/a/b` from the root, else siblings). */
  | { kind: 'value'; destination: readonly string[] }
  /** A URL whose credentials are secret; its destination is the URL without them. `userIsSecret`: the user name too. */
  | { kind: 'url'; userIsSecret: boolean };

const secrets = new WeakMap<z.ZodTypeAny, SecretMark>();
const boxOnlyFields = new WeakSet<z.ZodTypeAny>();

export function secret<T extends z.ZodTypeAny>(schema: T, mark: SecretMark): T {
  secrets.set(schema, mark);
  return schema;
}

export function boxOnly<T extends z.ZodTypeAny>(schema: T): T {
  boxOnlyFields.add(schema);
  return schema;
}

export interface MarkedField<M> {
  path: string[];
  mark: M;
}

/** The schemas inside a wrapper or container, with the key each adds to the path (null: same path). */
function children(schema: z.ZodTypeAny): [string | null, z.ZodTypeAny][] {
  const def = schema._def as { typeName?: string; innerType?: z.ZodTypeAny; schema?: z.ZodTypeAny; in?: z.ZodTypeAny; out?: z.ZodTypeAny; options?: z.ZodTypeAny[] | Map<unknown, z.ZodTypeAny>; type?: z.ZodTypeAny; getter?: () => z.ZodTypeAny };
  switch (def.typeName) {
    case 'ZodObject':
      return Object.entries((schema as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>);
    case 'ZodOptional':
    case 'ZodNullable':
    case 'ZodDefault':
    case 'ZodCatch':
    case 'ZodReadonly':
      return def.innerType ? [[null, def.innerType]] : [];
    case 'ZodEffects':
      return def.schema ? [[null, def.schema]] : [];
    case 'ZodPipeline':
      return [def.in, def.out].filter((s): s is z.ZodTypeAny => s !== undefined).map((s) => [null, s]);
    case 'ZodUnion':
    case 'ZodDiscriminatedUnion':
      return [...(Array.isArray(def.options) ? def.options : (def.options?.values() ?? []))].map((s) => [null, s]);
    case 'ZodArray':
      return def.type ? [['*', def.type]] : [];
    case 'ZodLazy':
      return def.getter ? [[null, def.getter()]] : [];
    default:
      return [];
  }
}

function walk<M>(root: z.ZodTypeAny, markOf: (s: z.ZodTypeAny) => M | undefined): MarkedField<M>[] {
  const found = new Map<string, MarkedField<M>>();
  const visit = (schema: z.ZodTypeAny, path: string[]) => {
    const mark = markOf(schema);
    if (mark !== undefined) found.set(path.join('.'), { path, mark });
    for (const [key, child] of children(schema)) visit(child, key === null ? path : [...path, key]);
  };
  visit(root, []);
  return [...found.values()];
}

/** Every field `root` marks secret. */
export function secretFields(root: z.ZodTypeAny): MarkedField<SecretMark>[] {
  return walk(root, (s) => secrets.get(s));
}

/** Every field `root` marks box-only. */
export function boxOnlyPaths(root: z.ZodTypeAny): string[][] {
  return walk(root, (s) => (boxOnlyFields.has(s) ? true : undefined)).map((f) => f.path);
}

/** `/a/b` from the root, else a sibling of `path`'s last key. */
export function resolveDestination(path: readonly string[], destination: string): string[] {
  return destination.startsWith('/') ? destination.slice(1).split('/') : [...path.slice(0, -1), destination];
}
