/**
 * Starts the two listeners (issue 8 item 1): local plain HTTP (http.enabled, http.host, http.port) and LAN
 * HTTPS (http.lan.*) with the certificate from src/adapters/tls. The certificate's SHA-256 fingerprint is
 * logged so a client can pin it. Both listeners share one live-event feed and one metrics registry; metrics
 * observe call records from the moment this is called (right after the records service starts reading). A LAN port that cannot be bound is logged and the unit runs on without it, unless the local listener is off: then it is an error.
 * Config keys: http.enabled, http.host, http.port, http.lan.enabled, http.lan.host, http.lan.port,
 * http.lan.certFile, http.lan.keyFile, http.lan.authFreeFailures, http.lan.authMaxDelayMs, dataDir (pairing codes
 * in <dataDir>/state/pairings.json).
 */
import type { FastifyInstance } from 'fastify';
import { UnitMetrics } from '../adapters/metrics/prometheus.ts';
import { pairingStoreIn } from '../adapters/state/pairing-store.ts';
import { loadOrCreateCertificate, publicCertificate } from '../adapters/tls/certificate.ts';
import { PairingDesk } from '../app/pairing/pairing-codes.ts';
import type { DirectoryBook } from '../app/calls/directory-book.ts';
import type { ConfigWriter } from '../app/config-writer.ts';
import type { ProvisioningStatusSource } from '../app/provisioning/provisioning-status.ts';
import type { DeskUnit } from '../app/desk-unit.ts';
import { LiveFeed } from '../app/records/live-feed.ts';
import type { RecordsService } from '../app/records/records-service.ts';
import { syncStatusFrom, type SyncStatusSource } from '../app/sync/sync-status.ts';
import { isLoopbackHost, type HttpConfig } from '../config/http-schema.ts';
import { ConfigError } from '../core/errors.ts';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { TokenStore } from '../ports/token-store.ts';
import { FailureThrottle } from './auth/failure-throttle.ts';
import { OpenStreams } from './auth/open-streams.ts';
import { openIdempotencyStore } from './idempotency/idempotency-store.ts';
import { buildHttp, type HttpOptions } from './server.ts';

export interface ListenerDeps {
  http: HttpConfig;
  /** The whole config, for GET /api/v1/config (secrets hidden there). */
  config?: Config;
  dataDir: string;
  unit: DeskUnit;
  unitId: string;
  records: RecordsService;
  /** Colleagues to call and transfer to (R13). */
  directory?: DirectoryBook;
  tokens: TokenStore;
  /** The upstream sync, for the status and /metrics. */
  sync?: SyncStatusSource;
  /** Writes the config (PUT /api/v1/config, installer role). */
  configWriter?: ConfigWriter;
  provisioning?: ProvisioningStatusSource;
  clock: Clock;
  logger: Logger;
  /** Tests record the slow-down instead of waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** The contact book and the returning caller at ring time (issue 20). */
  contacts?: HttpOptions['contacts'];
  /** Today's mode, holidays, away colleagues and their audit (issue 20 item 5). */
  desk?: HttpOptions['desk'];
  /** Greetings from the page (issue 20 item 5). */
  greetings?: HttpOptions['greetings'];
  /** Call recordings (issue 20 item 4). */
  recordings?: HttpOptions['recordings'];
}

export interface Listeners {
  local: { app: FastifyInstance; url: string } | null;
  lan: { app: FastifyInstance; url: string; fingerprint: string } | null;
  close(): Promise<void>;
}

export async function startListeners(deps: ListenerDeps): Promise<Listeners> {
  const log = deps.logger.child({ module: 'http' });
  const opened: FastifyInstance[] = [];
  const feed = new LiveFeed(deps.unit, deps.records, undefined, deps.directory, deps.desk);
  const metrics = new UnitMetrics({
    journalEntries: () => deps.records.journal.lastSeq(),
    unwrittenRecords: () => deps.unit.unwrittenCount,
    sipUp: () => deps.unit.status().sipUp,
    panelFault: () => deps.unit.status().panelFault,
    callbacksDue: () => deps.records.callbacksDue,
    syncSinks: () => syncStatusFrom(deps.sync).sinks,
  });
  const stopObserving = deps.records.onCall((record) => metrics.observeCall(record));
  let streams: OpenStreams | null = null;
  const close = async () => {
    streams?.stop();
    for (const app of opened.splice(0)) await app.close();
    feed.stop();
    stopObserving();
  };
  const result: Listeners = { local: null, lan: null, close };
  // What both listeners serve; the LAN one adds TLS and the token gate.
  const shared: HttpOptions = {
    unit: deps.unit, unitId: deps.unitId, logger: deps.logger, records: deps.records, feed, metrics, idempotency: await openIdempotencyStore(deps.dataDir, () => deps.clock.now()),
    ...(deps.config ? { config: deps.config } : {}), ...(deps.directory ? { directory: deps.directory } : {}), ...(deps.sync ? { sync: deps.sync } : {}), ...(deps.configWriter ? { configWriter: deps.configWriter } : {}), ...(deps.provisioning ? { provisioning: deps.provisioning } : {}),
    ...(deps.contacts ? { contacts: deps.contacts } : {}),
    ...(deps.desk ? { desk: deps.desk } : {}),
    ...(deps.greetings ? { greetings: deps.greetings } : {}),
    ...(deps.recordings ? { recordings: deps.recordings } : {}),
    pairing: {
      desk: new PairingDesk(deps.tokens, pairingStoreIn(deps.dataDir), () => new Date(deps.clock.now())),
      certificate: () => publicCertificate({ dataDir: deps.dataDir, certFile: deps.http.lan.certFile }),
    },
  };
  try {
    if (deps.http.enabled) {
      // The schema refuses it too; a config built another way must not open every permission to the network.
      if (!isLoopbackHost(deps.http.host)) throw new ConfigError([`http.host: ${deps.http.host} is not a loopback address: the local listener grants every permission without a token (the LAN is http.lan's)`]);
      const app = buildHttp(shared);
      opened.push(app);
      result.local = { app, url: await app.listen({ host: deps.http.host, port: deps.http.port }) };
    }
    const lan = deps.http.lan;
    if (lan.enabled) {
      const tls = await loadOrCreateCertificate({ dataDir: deps.dataDir, certFile: lan.certFile, keyFile: lan.keyFile });
      const throttle = new FailureThrottle({ freeFailures: lan.authFreeFailures, maxDelayMs: lan.authMaxDelayMs }, () => deps.clock.monotonic());
      streams = new OpenStreams(deps.tokens, log);
      const app = buildHttp({
        ...shared,
        lan: { https: { cert: tls.cert, key: tls.key }, auth: { tokens: deps.tokens, streams, throttle, logger: deps.logger, ...(deps.sleep ? { sleep: deps.sleep } : {}) } },
      });
      opened.push(app);
      try {
        const url = await app.listen({ host: lan.host, port: lan.port });
        result.lan = { app, url, fingerprint: tls.fingerprint };
        log.info({ url, fingerprint: tls.fingerprint, madeNow: tls.created }, 'LAN API (HTTPS) listening; certificate SHA-256 fingerprint');
      } catch (err) {
        opened.pop();
        await app.close();
        // Without the local listener the unit would have no API at all: that is a start failure (main.ts says why).
        if (!result.local) throw err;
        log.error({ err, host: lan.host, port: lan.port }, 'LAN API cannot listen; the unit runs on without it');
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return result;
}
