/**
 * Installer and IT actions on the upstream sinks, shared by the CLI (`deskphone upstream migrate`,
 * `deskphone upstream test`): apply the central store's migrations, and check each configured sink.
 */
import { PostgresSink } from '../../adapters/upstream/postgres-sink.ts';
import type { UpstreamConfig } from '../../config/upstream-schema.ts';
import { BadInputError } from '../../core/errors.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SinkCheck } from '../../ports/upstream.ts';
import { createSinks } from './start-sync.ts';

export async function migrateCentralStore(upstream: UpstreamConfig, logger: Logger): Promise<string[]> {
  if (!upstream.postgres) throw new BadInputError('upstream.postgres', 'not configured: nothing to migrate');
  const sink = new PostgresSink({ config: upstream.postgres, logger });
  try {
    return await sink.migrate();
  } finally {
    await sink.close();
  }
}

export async function checkSinks(upstream: UpstreamConfig, logger: Logger): Promise<{ sink: string; check: SinkCheck }[]> {
  const sinks = await createSinks(upstream, logger);
  try {
    return await Promise.all(sinks.map(async (s) => ({ sink: s.name, check: await s.check() })));
  } finally {
    await Promise.all(sinks.map((s) => s.close().catch(() => undefined)));
  }
}
