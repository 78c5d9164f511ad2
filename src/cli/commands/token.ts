/**
 * `deskphone token add --role it|reception|installer|wallboard --name NAME [--pair [--host NAME]]`, `token list`,
 * `token revoke NAME` (all with `--config FILE` for the data directory). The new token is printed once; only its
 * hash is kept. With `--pair` no token is printed: a one-time pairing link (and its QR code) that signs one
 * browser in with a token of that role and name, valid for ten minutes (src/app/pairing/pairing-codes.ts).
 * `add` also prints the LAN certificate's fingerprint, so the token holder can pin the self-signed certificate.
 */
import type { Command } from 'commander';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { pairingStoreIn } from '../../adapters/state/pairing-store.ts';
import { tokenStoreIn } from '../../adapters/state/token-store.ts';
import { certificateFingerprint } from '../../adapters/tls/certificate.ts';
import { addToken, listTokens, revokeToken, ROLES } from '../../app/records/tokens.ts';
import { pairingLink, startPairing } from '../../app/pairing/pairing-codes.ts';
import { loadConfig } from '../../config/load.ts';
import { BadInputError } from '../../core/errors.ts';
import { EXIT } from '../exit-codes.ts';
import { terminalQr } from '../qr-code.ts';

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

/** A pairing link and its QR code, printed for the browser to open (the code is stored only hashed). */
async function pair(configFile: string, name: string, role: string, host: string | undefined): Promise<string> {
  const config = await loadConfig(configFile);
  if (host !== undefined && !/^(?:[A-Za-z0-9.-]{1,253}|\[?[0-9A-Fa-f:.]{2,45}\]?)$/.test(host)) throw new BadInputError('host', 'must be a host name or an IP address');
  if (!config.http.lan.enabled) throw new BadInputError('http.lan.enabled', 'the LAN listener is off: browsers sign in over it, so turn it on to pair one');
  const made = await startPairing(tokenStoreIn(config.dataDir), pairingStoreIn(config.dataDir), name, role, new Date());
  const link = pairingLink(host ?? `${hostname()}.local`, config.http.lan.port, made.code);
  return (
    `在要登录的浏览器中打开此链接（仅可使用一次，${made.expiresAt} 前有效）/ Open this link in the browser to sign in ` +
    `(works once, until ${made.expiresAt}):\n${link}\n\n` +
    `或用手机扫描 / or scan it:\n${await terminalQr(link)}\n` +
    `该浏览器将以“${made.role}”角色登录，名称为“${made.name}”；吊销：deskphone token revoke ${made.name}\n` +
    `That browser signs in as role "${made.role}", named "${made.name}"; revoke it with: deskphone token revoke ${made.name}\n`
  );
}

export function registerToken(program: Command, out: NodeJS.WritableStream, done: Done): void {
  const token = program.command('token').description('LAN API tokens / 局域网接口令牌');
  token
    .command('add')
    .description('make a token and print it once / 新建令牌（只显示一次）')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .requiredOption('--role <role>', ROLES.join('|'))
    .requiredOption('--name <name>', 'who holds the token')
    .option('--pair', 'print a one-time pairing link and QR code that signs a browser in, instead of the token / 打印一次性配对链接和二维码')
    .option('--host <name>', 'the unit\'s name or address in the pairing link (default: <hostname>.local)')
    .action((opts: { config: string; role: string; name: string; pair?: boolean; host?: string }) =>
      done(
        (async () => {
          if (opts.pair) out.write(await pair(opts.config, opts.name, opts.role, opts.host));
          else {
            const secret = await addToken(await storeFor(opts.config), opts.name, opts.role, new Date());
            out.write(`令牌只显示这一次，请妥善保存 / This token is shown once, keep it safe:\n${secret}\n`);
          }
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
          for (const t of tokens) out.write(`${t.name}\t${t.role}\t${t.createdAt}${t.device ? '\t浏览器配对 / paired browser' : ''}\n`);
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
