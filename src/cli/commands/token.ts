/**
 * `deskphone token add --role it|reception|installer --name NAME`, `token list`, `token revoke NAME`
 * (all with `--config FILE` for the data directory). The new token is printed once; only its hash is kept.
 * `add` also prints the LAN certificate's fingerprint, so the token holder can pin the self-signed certificate.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { tokenStoreIn } from '../../adapters/state/token-store.ts';
import { certificateFingerprint } from '../../adapters/tls/certificate.ts';
import { addToken, listTokens, revokeToken, ROLES } from '../../app/records/tokens.ts';
import { loadConfig } from '../../config/load.ts';
import { EXIT } from '../exit-codes.ts';

type Done = (code: Promise<number>) => void;

async function storeFor(configFile: string) {
  return tokenStoreIn((await loadConfig(configFile)).dataDir);
}

/** The LAN certificate's fingerprint for the token holder to pin, when the unit has made or been given one. */
async function fingerprintLine(configFile: string): Promise<string> {
  const config = await loadConfig(configFile);
  const fingerprint = await certificateFingerprint({ dataDir: resolve(config.dataDir), certFile: config.http.lan.certFile });
  return fingerprint
    ? `局域网证书指纹 / LAN certificate SHA-256 fingerprint:\n${fingerprint}\n`
    : '证书在单元首次启动时生成 / The LAN certificate is made at the unit\'s first start (its fingerprint is logged then)\n';
}

export function registerToken(program: Command, out: NodeJS.WritableStream, done: Done): void {
  const token = program.command('token').description('LAN API tokens / 局域网接口令牌');
  token
    .command('add')
    .description('make a token and print it once / 新建令牌（只显示一次）')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .requiredOption('--role <role>', ROLES.join('|'))
    .requiredOption('--name <name>', 'who holds the token')
    .action((opts: { config: string; role: string; name: string }) =>
      done(
        (async () => {
          const secret = await addToken(await storeFor(opts.config), opts.name, opts.role, new Date());
          out.write(`令牌只显示这一次，请妥善保存 / This token is shown once, keep it safe:\n${secret}\n`);
          out.write(await fingerprintLine(opts.config));
          return EXIT.ok;
        })(),
      ),
    );
  token
    .command('list')
    .description('list tokens (names and roles, never the tokens) / 列出令牌')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .action((opts: { config: string }) =>
      done(
        (async () => {
          const tokens = await listTokens(await storeFor(opts.config));
          if (tokens.length === 0) out.write('没有令牌 / No tokens\n');
          for (const t of tokens) out.write(`${t.name}\t${t.role}\t${t.createdAt}\n`);
          return EXIT.ok;
        })(),
      ),
    );
  token
    .command('revoke')
    .description('revoke a token at once / 立即吊销令牌')
    .argument('<name>')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .action((name: string, opts: { config: string }) =>
      done(
        (async () => {
          await revokeToken(await storeFor(opts.config), name);
          out.write(`已吊销 / Revoked: ${name}\n`);
          return EXIT.ok;
        })(),
      ),
    );
}
