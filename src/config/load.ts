import { readFile } from 'node:fs/promises';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_RULES } from '../core/rules.ts';
import { migrateDocument } from './migrate.ts';
import { ruleOrderIssues } from './rule-order.ts';
import { loadPinMap } from './pin-map.ts';
import { configSchema, type Config } from './schema.ts';
import { secretFields, type MarkedField, type SecretMark } from './marks.ts';
import { redactDocument } from './redact.ts';

/**
 * Validate a parsed config object (of this or an older version); every problem is reported at once, each naming
 * its field.
 * With a board panel, its pin map (hardware/<revision>.json) must exist and be valid too.
 */
export function parseConfig(raw: unknown): Config {
  // An older config format is brought up to date first (in memory; `deskphone migrate-config` rewrites the file).
  const input = withoutEditorKeys(migrateDocument(raw).doc);
  const result = configSchema.safeParse(input);
  const issues = result.success
    ? []
    : result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
  if (!result.success) issues.push(...crossFieldIssues(input, issues));
  else issues.push(...panelTargetIssues(result.data));
  const panel = result.success ? result.data.panel : (input as { panel?: { kind?: unknown; revision?: unknown } } | null)?.panel;
  if (panel?.kind === 'board') {
    try {
      loadPinMap(typeof panel.revision === 'string' ? panel.revision : 'nano-r1');
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
    }
  }
  if (!result.success || issues.length) throw new ConfigError(issues);
  return result.data;
}

/** The threshold order checks zod skipped because another rules field failed (rule-order.ts). */
function crossFieldIssues(input: unknown, already: string[]): string[] {
  const rules = (input as { rules?: unknown } | null)?.rules;
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) return [];
  return ruleOrderIssues(rules as Record<string, unknown>, DEFAULT_RULES as unknown as Record<string, number>)
    .map((i) => `rules.${i.field}: ${i.message}`)
    .filter((line) => !already.includes(line));
}

/** R13: the panel's TRANSFER button transfers to a colleague in the directory, by name. */
function panelTargetIssues(config: Config): string[] {
  const name = config.sip.transfer.panelTarget;
  if (name === null || config.directory.some((e) => e.name === name)) return [];
  const names = config.directory.map((e) => e.name);
  return [`sip.transfer.panelTarget: "${name}" is not a name in the directory${names.length ? ` (${names.join(', ')})` : ' (it is empty)'}`];
}

/** `$schema` points editors at the JSON Schema (src/config/json-schema.ts); the unit ignores it. */
function withoutEditorKeys(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('$schema' in doc)) return doc;
  const { $schema: _ignored, ...rest } = doc as Record<string, unknown>;
  return rest;
}

/** Read, parse and validate a JSON config file. */
export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${path}: not valid JSON (${(err as Error).message})`]);
  }
  return parseConfig(json);
}

/**
 * Secrets where older config versions kept them (./migrate.ts): a stored file not yet migrated is shown and
 * restored with them hidden the same way.
 */
export const LEGACY_SECRETS: MarkedField<SecretMark>[] = [
  { path: ['sip', 'line2', 'password'], mark: { kind: 'value', destination: ['/sip/registrar/host', '/sip/registrar/port'] } },
];

/** Every field the config schema marks secret (passwords, tokens, URLs that may carry credentials). */
export const CONFIG_SECRETS = [...secretFields(configSchema), ...LEGACY_SECRETS];

/** The config (or a stored config document) with every secret the schema marks hidden, for logs and the API. */
export function redactConfig<T = Config>(config: T): T {
  return redactDocument(config, CONFIG_SECRETS);
}
