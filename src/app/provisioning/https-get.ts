/**
 * One HTTPS GET for provisioning files, with an optional pinned CA (only that CA is trusted). Node's fetch cannot
 * take a CA per request, so this uses node:https. Config keys: provisioning.caFile, provisioning.timeoutMs.
 */
import { request } from 'node:https';

export interface GetResult {
  status: number;
  text: string;
}

export type HttpsGet = (url: string, options: { ca: string | null; timeoutMs: number }) => Promise<GetResult>;

const MAX_BYTES = 1024 * 1024;

export const httpsGet: HttpsGet = (url, { ca, timeoutMs }) =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs, ...(ca ? { ca } : {}), headers: { accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BYTES) req.destroy(new Error(`${url}: larger than ${MAX_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
