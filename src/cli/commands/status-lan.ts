/**
 * The LAN listener as `deskphone status` shows it: on or off, its port, and its certificate's SHA-256
 * fingerprint for clients to pin (read from the certificate file the unit serves: the one made at first start
 * in the data directory, or the installer's http.lan.certFile). Config keys read: dataDir, http.lan.enabled,
 * http.lan.port, http.lan.certFile.
 */
import { resolve } from 'node:path';
import { certificateFingerprint } from '../../adapters/tls/certificate.ts';
import type { Config } from '../../config/schema.ts';

export interface LanCertificate {
  enabled: boolean;
  port: number;
  /** null until the unit has made its certificate (first start) when none is supplied, or when it cannot be read. */
  fingerprint: string | null;
  /** Why the certificate could not be read (e.g. no permission), else absent. */
  error?: string;
}

export async function lanCertificateOf(config: Config): Promise<LanCertificate> {
  const lan = config.http.lan;
  try {
    const fingerprint = await certificateFingerprint({ dataDir: resolve(config.dataDir), certFile: lan.certFile });
    return { enabled: lan.enabled, port: lan.port, fingerprint };
  } catch (err) {
    return { enabled: lan.enabled, port: lan.port, fingerprint: null, error: (err as Error).message };
  }
}

export function formatLan(lan: LanCertificate | null): string[] {
  if (!lan) return ['  局域网接口 / LAN API: 未知（未读到配置） / unknown (config not read)'];
  if (!lan.enabled) return ['  局域网接口 / LAN API: 已关闭 / off'];
  return [
    `  局域网接口 / LAN API: HTTPS 端口 / port ${lan.port}`,
    lan.fingerprint
      ? `  证书指纹 / certificate SHA-256: ${lan.fingerprint}`
      : lan.error
        ? `  证书指纹 / certificate SHA-256: 无法读取 / cannot read (${lan.error})`
        : '  证书指纹 / certificate SHA-256: 尚未生成（单元首次启动时生成） / not made yet (made at the unit\'s first start)',
  ];
}
