/**
 * The LAN listener's TLS certificate. With `http.lan.certFile` + `http.lan.keyFile` the installer's PEM files
 * are used; otherwise a self-signed certificate (selfsigned, EC P-256, 10 years) is made on first start and kept
 * in `<dataDir>/state/tls/` (key readable by the unit's user only). The SHA-256 fingerprint lets a client pin it.
 * Config keys read: dataDir, http.lan.certFile, http.lan.keyFile.
 */
import { X509Certificate } from 'node:crypto';
import { hostname } from 'node:os';
import { constants } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import { makeDirOwned, ownOpenFileLikeParent } from '../support/owned-like-parent.ts';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, colon-separated hex (as browsers and `openssl x509 -fingerprint -sha256` show it). */
  fingerprint: string;
  /** true when made now (first start). */
  created: boolean;
}

const TEN_YEARS_MS = 10 * 365 * 86_400_000;

async function readPem(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`${field}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
}

function fingerprintOf(cert: string, field: string): string {
  try {
    return new X509Certificate(cert).fingerprint256;
  } catch (err) {
    throw new ConfigError([`${field}: not a PEM certificate (${(err as Error).message})`]);
  }
}

/** Written whole then renamed into place; never through a link; made as root, it takes its directory's owner. */
async function writePrivate(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  try {
    await ownOpenFileLikeParent(handle, tmp);
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** The LAN listener's certificate as a desk PC would import it (public part only), or null before its first start. */
export interface PublicCertificate {
  pem: string;
  fingerprint: string;
  /** The names and addresses it is valid for (its subjectAltName, as node prints it). */
  names: string;
  validTo: string;
}

export async function publicCertificate(options: { dataDir: string; certFile: string | null }): Promise<PublicCertificate | null> {
  const path = options.certFile ?? join(options.dataDir, 'state', 'tls', 'cert.pem');
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError([`${options.certFile ? 'http.lan.certFile' : 'dataDir'}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  fingerprintOf(pem, path);
  const x509 = new X509Certificate(pem);
  // Only the first certificate of a chain file: what the browser is asked to trust.
  return { pem: x509.toString(), fingerprint: x509.fingerprint256, names: x509.subjectAltName ?? '', validTo: x509.validTo };
}

/** The fingerprint of the certificate the LAN listener uses, or null before its first start. */
export async function certificateFingerprint(options: { dataDir: string; certFile: string | null }): Promise<string | null> {
  return (await publicCertificate(options))?.fingerprint ?? null;
}

export async function loadOrCreateCertificate(options: { dataDir: string; certFile: string | null; keyFile: string | null; now?: Date }): Promise<TlsMaterial> {
  if (options.certFile && options.keyFile) {
    const cert = await readPem(options.certFile, 'http.lan.certFile');
    const key = await readPem(options.keyFile, 'http.lan.keyFile');
    return { cert, key, fingerprint: fingerprintOf(cert, 'http.lan.certFile'), created: false };
  }
  const dir = join(options.dataDir, 'state', 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { cert, key, fingerprint: fingerprintOf(cert, certPath), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const now = options.now ?? new Date();
  const name = hostname();
  // Loaded only on the first start (about 8 MB resident with its ASN.1 libraries); later starts read the kept files.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: `deskphone ${name}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + TEN_YEARS_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: name }, { type: 2, value: `${name}.local` }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  await makeDirOwned(dir, 0o700);
  await writePrivate(keyPath, pems.private);
  await writePrivate(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private, fingerprint: fingerprintOf(pems.cert, certPath), created: true };
}
