/**
 * The entry point's config loader: the local file (refused, as always, when it does not validate) with the
 * provisioning files applied over it (provision.ts). Used at boot and on SIGHUP.
 */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../ports/logger.ts';
import { provision, type ProvisionOptions, type ProvisioningOutcome } from './provision.ts';

export async function loadProvisionedConfig(
  path: string,
  logger: Logger,
  options: Omit<ProvisionOptions, 'logger'> = {},
): Promise<{ config: Config; outcome: ProvisioningOutcome }> {
  const local = await loadConfig(path);
  if (!local.provisioning.url) return provision(null, local, { ...options, logger });
  const localDoc: unknown = JSON.parse(await readFile(path, 'utf8'));
  return provision(localDoc, local, { ...options, logger: logger.child({ module: 'provisioning' }) });
}
