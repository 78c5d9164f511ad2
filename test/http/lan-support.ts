/**
 * A desk unit on fakes behind the real listeners: the LAN one over real HTTPS (self-signed certificate made in
 * a temporary data directory) and, when asked, the local one. Requests pin the unit's certificate.
 * Port range of test/http: 29000-29999.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTokenStore, tokenStoreIn } from '../../src/adapters/state/token-store.ts';
import type { DirectoryBook } from '../../src/app/calls/directory-book.ts';
import { ConfigWriter } from '../../src/app/config-writer.ts';
import { LiveConfig, type LiveTargets } from '../../src/app/live-config.ts';
import { loadConfig } from '../../src/config/load.ts';
import { RecordsService } from '../../src/app/records/records-service.ts';
import { addToken } from '../../src/app/records/tokens.ts';
import { httpSchema, recordsSchema } from '../../src/config/http-schema.ts';
import type { Config } from '../../src/config/schema.ts';
import { DEFAULT_RULES } from '../../src/core/rules.ts';
import { startListeners, type Listeners } from '../../src/http/listeners.ts';
import { systemClock, type Clock } from '../../src/ports/clock.ts';
import { fakeUnit } from '../support/fake-unit.ts';
import { normalizePhoneNumber } from '../../src/adapters/phone/phone-numbers.ts';
import { MemoryStateStore } from '../../src/adapters/state/memory-state-store.ts';
import { ContactBook } from '../../src/app/contacts/contact-book.ts';
import { ReturningCallers } from '../../src/app/contacts/returning-callers.ts';
import { DeskSettings } from '../../src/app/desk/desk-settings.ts';
import { DeskGreetings } from '../../src/app/greetings/desk-greetings.ts';
import { GreetingLibrary } from '../../src/app/greetings/greeting-library.ts';
import { FakeGreetingAudio } from '../../src/adapters/audio/fake-greeting-audio.ts';
import { greetingsSchema } from '../../src/config/greetings-schema.ts';
import { CallRecordings } from '../../src/app/recordings/call-recordings.ts';

export { sampleRecord } from './sample-record.ts';
import { pino } from 'pino';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
  fingerprint: string;
}

export interface LanUnit {
  dataDir: string;
  listeners: Listeners;
  f: ReturnType<typeof fakeUnit>;
  records: RecordsService;
  /** Call recordings (issue 20 item 4): served only with the option `recordings`. */
  recordings: CallRecordings;
  /** The contact book and the returning-caller look-up (issue 20), mounted as on the unit. */
  contacts: ContactBook;
  callers: ReturningCallers;
  /** Today's mode, holidays, away colleagues and their audit (issue 20 item 5), mounted as on the unit. */
  desk: DeskSettings;
  /** Greetings from the page on a fake sox/espeak-ng (files are text), under the data directory. */
  greetings: { library: GreetingLibrary; page: DeskGreetings; audio: FakeGreetingAudio };
  tokens: FileTokenStore;
  /** What the unit logged at debug and above, one JSON line each. */
  logs: { level: number; line: string }[];
  delays: number[];
  cert: string;
  port: number;
  /** A token per role: it, reception, installer, wallboard. */
  token: Record<'it' | 'reception' | 'installer' | 'wallboard', string>;
  call(method: string, path: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<Reply>;
  stop(): Promise<void>;
}

export interface LanUnitOptions {
  clock?: Clock;
  records?: Record<string, unknown>;
  /** Served by GET /api/v1/config; with configWriter, PUT /api/v1/config writes it. */
  config?: Config;
  configWriter?: ConfigWriter;
  /** Colleagues to call and transfer to: call control (POST /api/v1/calls, call-back dial) is mounted with it. */
  directory?: DirectoryBook;
  /** Call recordings (issue 20 item 4): the routes mounted, reading <dataDir>/recordings (nothing recorded). */
  recordings?: { receptionMayPlay: boolean };
}

/**
 * A config file (mode 0640) with `doc` in `dir`, and a ConfigWriter on it wired to a real LiveConfig (live keys
 * applied through `targets`), as the service hooks wire the running unit's.
 */
export async function writableConfig(dir: string, doc: object, targets: LiveTargets = {}): Promise<{ file: string; config: Config; configWriter: ConfigWriter }> {
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify(doc));
  await chmod(file, 0o640);
  const config = await loadConfig(file);
  const quiet = pino({ level: 'silent' });
  const live = new LiveConfig(config, () => loadConfig(file), targets, quiet);
  const configWriter = new ConfigWriter(quiet);
  configWriter.attach({ file, reload: () => live.reload(), current: () => live.config });
  return { file, config, configWriter };
}

export async function startLanUnit(port: number, options: LanUnitOptions = {}): Promise<LanUnit> {
  const dataDir = await mkdtemp(join(tmpdir(), 'deskphone-lan-'));
  const f = fakeUnit();
  const logs: { level: number; line: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push({ level: (JSON.parse(line) as { level: number }).level, line }) });
  const clock = options.clock ?? systemClock;
  await f.unit.start();
  const records = new RecordsService({
    unit: f.unit, journal: f.journal, clock, config: recordsSchema.parse(options.records ?? {}), timeZone: 'Asia/Shanghai',
    limits: () => DEFAULT_RULES, logger, numberKey: normalizePhoneNumber,
  });
  await records.start();
  const contacts = new ContactBook({ store: new MemoryStateStore(), journal: f.journal, clock });
  await contacts.open();
  const callers = new ReturningCallers({ unit: f.unit, records, contacts, clock, logger });
  callers.start();
  const desk = new DeskSettings({ store: new MemoryStateStore(), journal: f.journal, clock, timeZone: 'Asia/Shanghai', colleague: (name) => options.directory?.find(name)?.name });
  await desk.open();
  const audio = new FakeGreetingAudio();
  const library = new GreetingLibrary({ dir: join(dataDir, 'greetings'), config: greetingsSchema.parse({}), timeZone: 'Asia/Shanghai', audio, clock, logger });
  library.attachDesk(desk);
  const pageGreetings = new DeskGreetings({ library, desk, clock });
  const tokens = tokenStoreIn(dataDir);
  const now = new Date();
  const token = {
    it: await addToken(tokens, 'it-1', 'it', now),
    reception: await addToken(tokens, 'desk-1', 'reception', now),
    installer: await addToken(tokens, 'inst-1', 'installer', now),
    wallboard: await addToken(tokens, 'wall-1', 'wallboard', now),
  };
  const delays: number[] = [];
  const recordings = new CallRecordings({
    dir: join(dataDir, 'recordings'), sip: {}, unit: f.unit, journal: f.journal, clock, logger,
    findRecord: (id) => records.getCall(id).then((c) => c.record, () => null),
    merge: () => Promise.reject(new Error('no merging in LAN tests')),
  });
  if (options.recordings) await recordings.start(false);
  const listeners = await startListeners({
    http: httpSchema.parse({ enabled: false, lan: { host: '127.0.0.1', port } }),
    dataDir, unit: f.unit, unitId: 'u1', records, tokens, clock, logger, contacts: { book: contacts, callers }, desk, greetings: pageGreetings,
    ...(options.config ? { config: options.config } : {}), ...(options.configWriter ? { configWriter: options.configWriter } : {}),
    ...(options.directory ? { directory: options.directory } : {}),
    ...(options.recordings ? { recordings: { recordings, receptionMayPlay: options.recordings.receptionMayPlay } } : {}),
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  if (!listeners.lan) throw new Error(`LAN listener did not start: ${logs.map((l) => l.line).join('\n')}`);
  const cert = (await import('node:fs')).readFileSync(join(dataDir, 'state', 'tls', 'cert.pem'), 'utf8');
  const call: LanUnit['call'] = (method, path, opts = {}) =>
    new Promise((resolve, reject) => {
      const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
      const req = httpsRequest(
        {
          host: '127.0.0.1', port, method, path, ca: cert, servername: 'localhost',
          headers: {
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...opts.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          const fingerprint = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256;
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text), fingerprint });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    dataDir, listeners, f, records, contacts, callers, desk, recordings, greetings: { library, page: pageGreetings, audio }, tokens, logs, delays, cert, port, token, call,
    async stop() {
      callers.stop();
      records.stop();
      await listeners.close();
      await f.unit.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
