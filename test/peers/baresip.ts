/**
 * Test settings for a real baresip: a SipConfig on loopback ports and a fresh data directory.
 * Ports: pass distinct ones per test file (SIP/UDP and ctrl_tcp) so files never collide.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sipSchema, type SipConfig } from '../../src/config/schema.ts';

export function testSipConfig(overrides: Partial<SipConfig> & { listenPort: number; ctrlPort: number }): SipConfig {
  return sipSchema.parse({
    listenAddress: '127.0.0.1',
    restartInitialMs: 200,
    restartMaxMs: 2000,
    commandTimeoutMs: 2000,
    ...overrides,
  });
}

export async function makeDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'deskphone-sip-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
