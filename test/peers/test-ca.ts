/**
 * A throw-away certificate authority for TLS tests, made with openssl: a CA and one server certificate for
 * 127.0.0.1 and localhost signed by it. `otherCa` is a second CA that did not sign anything (to provoke TLS
 * verification failures). Files are PEM, world-readable except the keys (0600).
 */
import { execFile } from 'node:child_process';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCa {
  caCert: string;
  serverCert: string;
  serverKey: string;
  otherCaCert: string;
  /** PEM text of the CA certificate. */
  caPem: string;
}

async function selfSigned(dir: string, name: string): Promise<string> {
  const cert = join(dir, `${name}.crt`);
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=deskphone test ${name}`,
    '-keyout', join(dir, `${name}.key`), '-out', cert]);
  return cert;
}

export async function makeTestCa(dir: string): Promise<TestCa> {
  const caCert = await selfSigned(dir, 'ca');
  const otherCaCert = await selfSigned(dir, 'other-ca');
  const serverKey = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const ext = join(dir, 'server.ext');
  const serverCert = join(dir, 'server.crt');
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-keyout', serverKey, '-out', csr]);
  await run('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > '${ext}'`]);
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-days', '2',
    '-extfile', ext, '-out', serverCert]);
  await chmod(serverKey, 0o600);
  return { caCert, serverCert, serverKey, otherCaCert, caPem: await readFile(caCert, 'utf8') };
}
