/**
 * Fleet provisioning, as desk phones do it: at boot (and on SIGHUP) fetch the fleet's shared file and this unit's
 * own file from the provisioning URL, apply them over the local config (shared first, then the unit's; objects
 * merge key by key, anything else replaces), and validate the result with the unit's own schema. A good result is
 * kept as the last good copy (<dataDir>/provisioning/last-good.json); a bad or unreachable file never stops the
 * unit: it runs on the last good copy, or on the local file alone. Config keys: provisioning.*, dataDir, unitId.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/load.ts';
import { maskUrlsIn } from '../../config/redact.ts';
import type { Config } from '../../config/schema.ts';
import { ConfigError } from '../../core/errors.ts';
import type { Logger } from '../../ports/logger.ts';
import { httpsGet, type HttpsGet } from './https-get.ts';

export interface ProvisioningOutcome {
  /** off: no URL; applied: fresh files in force; last-good: the kept copy in force; local: the local file alone. */
  state: 'off' | 'applied' | 'last-good' | 'local';
  /**
   * Why the fresh files are not in force (last-good, local): `unreachable` (no answer, TLS, an HTTP error) or
   * `refused` (a file is not JSON, sets a local-only key, or makes the config invalid). null when applied or off.
   */
  fault: 'unreachable' | 'refused' | null;
  /** When the files were fetched (or tried). */
  at: string;
  /** The files in force (URLs), empty for off/local. */
  sources: string[];
  /** What went wrong with the fresh files, each naming the file and the field. */
  issues: string[];
}

interface Fetched {
  url: string;
  doc: Record<string, unknown>;
}

/** Keys a provisioning file may not set: where the unit keeps its data and where it is provisioned from. */
const LOCAL_ONLY = ['dataDir', 'provisioning'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeOver(base: unknown, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = isObject(base) ? { ...base } : {};
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? mergeOver(out[k], v) : v;
  return out;
}

/** This unit's MAC address (the first non-loopback interface with one), lower-case hex without colons. */
export function unitMac(interfaces = networkInterfaces()): string | null {
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) if (!i.internal && i.mac && i.mac !== '00:00:00:00:00:00') return i.mac.replace(/:/g, '').toLowerCase();
  }
  return null;
}

function fileUrls(base: string, key: string | null): string[] {
  const root = base.endsWith('/') ? base : `${base}/`;
  return [new URL('deskphone.json', root).href, ...(key ? [new URL(`deskphone-${encodeURIComponent(key)}.json`, root).href] : [])];
}

/** What failed while fetching: every issue, and whether any file was refused (rather than not reached). */
class FetchProblems extends ConfigError {
  constructor(
    issues: string[],
    readonly fault: 'unreachable' | 'refused',
  ) {
    super(issues);
  }
}

/** Fetches the files; a 404 means "no such file" (both are optional). Throws FetchProblems listing what failed. */
async function fetchAll(urls: string[], ca: string | null, timeoutMs: number, get: HttpsGet): Promise<Fetched[]> {
  const issues: string[] = [];
  let refused = false;
  const fetched: Fetched[] = [];
  for (const url of urls) {
    try {
      const res = await get(url, { ca, timeoutMs });
      if (res.status === 404) continue;
      if (res.status !== 200) {
        issues.push(`${url}: the server answered ${res.status}`);
        continue;
      }
      const doc: unknown = JSON.parse(res.text);
      const before = issues.length;
      if (!isObject(doc)) issues.push(`${url}: (top level) must be a JSON object`);
      else {
        for (const k of LOCAL_ONLY) if (k in doc) issues.push(`${url}: ${k}: only the local file may set it`);
        fetched.push({ url, doc });
      }
      refused ||= issues.length > before;
    } catch (err) {
      refused ||= err instanceof SyntaxError;
      issues.push(`${url}: ${err instanceof SyntaxError ? `not valid JSON (${err.message})` : `unreachable (${(err as Error).message})`}`);
    }
  }
  if (issues.length) throw new FetchProblems(issues, refused ? 'refused' : 'unreachable');
  return fetched;
}

/** Applies the files in order; the first one that makes the config invalid is named in every issue. */
function applyAll(local: unknown, files: Fetched[]): Config {
  let doc = local;
  let config: Config | null = null;
  for (const f of files) {
    doc = mergeOver(doc, f.doc);
    try {
      config = parseConfig(doc);
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(err.issues.map((i) => `${f.url}: ${i}`));
      throw err;
    }
  }
  return config ?? parseConfig(doc);
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const h = await open(tmp, 'w', 0o600);
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
  await rename(tmp, file);
}

export interface ProvisionOptions {
  logger: Logger;
  get?: HttpsGet;
  now?: () => Date;
  mac?: () => string | null;
}

/**
 * The config in force: `localDoc` (the local file, already valid as `local`) with the provisioning files over it.
 */
export async function provision(localDoc: unknown, local: Config, options: ProvisionOptions): Promise<{ config: Config; outcome: ProvisioningOutcome }> {
  const p = local.provisioning;
  const at = (options.now ?? (() => new Date()))().toISOString();
  if (!p.url) return { config: local, outcome: { state: 'off', fault: null, at, sources: [], issues: [] } };
  const log = options.logger;
  const dir = join(local.dataDir, 'provisioning');
  const lastGoodFile = join(dir, 'last-good.json');
  const key = p.unitKey === 'mac' ? (options.mac ?? unitMac)() : local.unitId;
  let issues: string[];
  let fault: 'unreachable' | 'refused';
  try {
    const ca = p.caFile ? await readFile(p.caFile, 'utf8') : null;
    const files = await fetchAll(fileUrls(p.url, key), ca, p.timeoutMs, options.get ?? httpsGet);
    const config = applyAll(localDoc, files);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeAtomic(lastGoodFile, `${JSON.stringify({ at, files }, null, 2)}\n`);
    const sources = files.map((f) => maskUrlsIn(f.url));
    log.info({ sources }, 'provisioning applied');
    return { config, outcome: { state: 'applied', fault: null, at, sources, issues: [] } };
  } catch (err) {
    // The URLs may carry credentials: never in a log line or the status.
    issues = (err instanceof ConfigError ? err.issues : [(err as Error).message]).map(maskUrlsIn);
    // A file that makes the config invalid is refused; a CA file that cannot be read, like a server that does not answer, is not reached.
    fault = err instanceof FetchProblems ? err.fault : err instanceof ConfigError ? 'refused' : 'unreachable';
  }
  try {
    const kept = JSON.parse(await readFile(lastGoodFile, 'utf8')) as { files: Fetched[] };
    const config = applyAll(localDoc, kept.files);
    log.warn({ issues }, 'provisioning files refused or unreachable: running on the last good copy');
    return { config, outcome: { state: 'last-good', fault, at, sources: kept.files.map((f) => maskUrlsIn(f.url)), issues } };
  } catch {
    log.warn({ issues }, 'provisioning files refused or unreachable and no good copy kept: running on the local config');
    return { config: local, outcome: { state: 'local', fault, at, sources: [], issues } };
  }
}
