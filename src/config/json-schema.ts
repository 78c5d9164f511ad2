/**
 * The config's JSON Schema, made from the one zod schema (zod-to-json-schema), for editors: put
 * `"$schema": "/usr/lib/deskphone/config.schema.json"` in a config, or run `deskphone config-schema`.
 * Cross-field rules (holdLimitMs longer than holdCheckInMs...) cannot be said in JSON Schema; the unit and
 * `deskphone check-config` still check them.
 */
import { zodToJsonSchema } from 'zod-to-json-schema';
import { configSchema } from './schema.ts';

export function configJsonSchema(): Record<string, unknown> {
  const schema = zodToJsonSchema(configSchema, { target: 'jsonSchema7', $refStrategy: 'none', effectStrategy: 'input' }) as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://deskphone.invalid/config.schema.json',
    title: 'deskphone config',
    // Editors put "$schema" in the file; the unit ignores it.
    properties: { $schema: { type: 'string' }, ...properties },
  };
}
