/**
 * `deskphone cert export --config FILE [--out FILE]`: the LAN listener's certificate (public part, PEM) for IT to
 * trust on desk PCs (a group policy, or by hand: see the README), with its SHA-256 fingerprint to compare and the
 * names it is valid for. Never the key. Without --out the PEM goes to standard output.
 */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { publicCertificate } from '../../adapters/tls/certificate.ts';
import { loadConfig } from '../../config/load.ts';
import { EXIT } from '../exit-codes.ts';

type Done = (code: Promise<number>) => void;

export function registerCert(program: Command, io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream }, done: Done): void {
  const cert = program.command('cert').description("the LAN listener's certificate / 局域网证书");
  cert
    .command('export')
    .description('write the certificate (no key) for desk PCs to trust / 导出证书（不含私钥）供前台电脑信任')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .option('-o, --out <file>', 'write the PEM here (default: standard output)')
    .action((opts: { config: string; out?: string }) =>
      done(
        (async () => {
          const config = await loadConfig(opts.config);
          const found = await publicCertificate({ dataDir: resolve(config.dataDir), certFile: config.http.lan.certFile });
          if (!found) {
            io.err.write('还没有证书：单元首次启动时生成 / No certificate yet: the unit makes it at its first start\n');
            return EXIT.failed;
          }
          const facts =
            `局域网证书指纹 / LAN certificate SHA-256 fingerprint:\n${found.fingerprint}\n` +
            `适用名称 / valid for: ${found.names || '—'}\n有效期至 / valid until: ${found.validTo}\n`;
          if (!opts.out) {
            io.out.write(found.pem);
            io.err.write(facts);
            return EXIT.ok;
          }
          await writeFile(opts.out, found.pem, { mode: 0o644 });
          io.out.write(`已写入 / written: ${opts.out}\n${facts}`);
          return EXIT.ok;
        })(),
      ),
    );
}
