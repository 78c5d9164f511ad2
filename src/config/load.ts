import { readFile } from 'node:fs/promises';
import { ConfigError } from '../core/errors.ts';
import { loadPinMap } from './pin-map.ts';
import { configSchema, type Config } from './schema.ts';

/**
 * Validate a parsed config object; every problem is reported at once, each naming its field.
 * With a board panel, its pin map (hardware/<revision>.json) must exist and be valid too.
 */
export function parseConfig(input: unknown): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`),
    );
  }
  if (result.data.panel.kind === 'board') loadPinMap(result.data.panel.revision);
  return result.data;
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

/** The config with secrets replaced, for logs and the LAN page. */
export function redactConfig(config: Config): Config {
  if (!config.sip.registrar) return config;
  return { ...config, sip: { ...config.sip, registrar: { ...config.sip.registrar, password: '***' } } };
}
