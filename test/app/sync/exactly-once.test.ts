/**
 * Issue 10: at-least-once delivery made exactly-once upstream. A child process runs the sync engine on a real
 * journal against PostgreSQL 15 (TLS) through a fault-injecting TCP proxy, while the test drops connections,
 * cuts requests in half, stalls responses (the server commits, the unit never hears), refuses connections,
 * stops and SIGKILLs the database, and SIGKILLs the unit mid-batch and restarts it: each kind in turn, the
 * drops and SIGKILLs while the child reports a batch on its way, and a fault counts only when it hit. At least
 * 50 faults in one run; afterwards every record is upstream exactly once with all its fields and the newest
 * annotations, and every event once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal.ts';
import type { CallRecord } from '../../../src/core/record.ts';
import { startPostgres, type PostgresPeer } from '../../peers/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../../peers/tcp-proxy.ts';
import { memoryLogger } from '../../support/memory-logger.ts';
import { makeCall, prng } from '../../adapters/upstream/call-fixtures.ts';
import { expectRecordInRow, snake } from '../../adapters/upstream/row-check.ts';

const PG_PORT = 27030;
const PROXY_PORT = 27031;
const CHILD = fileURLToPath(new URL('./fixtures/sync-child.ts', import.meta.url));
const MIN_FAULTS = 50;

const FIELDS = ['notes', 'category', 'message', 'callbackDue', 'callbackDone'] as const;
type Field = (typeof FIELDS)[number];

interface Expected {
  records: Map<string, CallRecord>;
  /** Per call, the newest value of each annotated field (record or annotation, by seq). */
  latest: Map<string, Partial<Record<Field, unknown>>>;
  events: number;
  lastSeq: number;
}

/** Writes a journal of records and annotations (some for calls written much earlier, some repeated). */
async function writeJournal(dir: string, unitId: string, seed: number, calls: number): Promise<Expected> {
  const rand = prng(seed);
  const journal = new JsonlJournal({ dir, logger: memoryLogger() });
  await journal.open();
  const records = new Map<string, CallRecord>();
  const latest = new Map<string, Partial<Record<Field, unknown>>>();
  let events = 0;
  for (let i = 0; i < calls; i++) {
    const record = makeCall(i, rand, unitId);
    await journal.append(record);
    records.set(record.id, record);
    latest.set(record.id, Object.fromEntries(FIELDS.map((f) => [f, record[f]])));
    while (rand() < 0.45) {
      const target = `${unitId}-call-${Math.max(0, i - Math.floor(rand() * 60))}`;
      const field = FIELDS[Math.floor(rand() * FIELDS.length)] as Field;
      const value = field.startsWith('callback') ? new Date(Date.UTC(2026, 3, 1) + events * 1000).toISOString() : `${field} #${events} 说明`;
      await journal.appendEvent({ type: 'call.annotated', at: new Date().toISOString(), callId: target, [field]: value });
      latest.get(target)![field] = value;
      events++;
    }
  }
  const lastSeq = journal.lastSeq();
  await journal.close();
  return { records, latest, events, lastSeq };
}

class Unit {
  child: ChildProcess | null = null;
  done = false;
  cursor = 0;
  /** A batch has gone out and the server has not confirmed it yet. */
  inFlight = false;
  private exited: Promise<void> = Promise.resolve();
  constructor(private readonly args: string[]) {}

  start(): void {
    this.inFlight = false;
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...this.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      for (const line of text.split('\n')) {
        if (line === 'done') this.done = true;
        if (line === 'sending') this.inFlight = true;
        if (line === 'sent') this.inFlight = false;
        const m = /^cursor (\d+)$/.exec(line);
        if (m) this.cursor = Number(m[1]);
      }
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (code !== 0 && signal !== 'SIGKILL') process.stderr.write(`sync child exited ${code} ${signal}: ${err}\n`);
        resolve();
      }),
    );
  }

  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async ended(): Promise<void> {
    await this.exited;
  }
}

let pg: PostgresPeer;
let proxy: TcpProxy;
let work: string;
const units: Unit[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'deskphone-exactly-once-'));
  pg = await startPostgres(PG_PORT);
  await pg.createDatabase('central');
  proxy = await startTcpProxy(PROXY_PORT, PG_PORT);
});

afterAll(async () => {
  for (const u of units) await u.kill();
  await proxy?.close();
  await pg?.destroy();
  await rm(work, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every kind of fault, injected in turn so that each occurs several times in one run. */
const KINDS = [
  'connection dropped mid-batch',
  'request cut mid-batch',
  'responses stalled (committed, unconfirmed)',
  'both directions stalled',
  'connections refused',
  'database stopped and restarted',
  'database SIGKILLed mid-batch and restarted',
  'unit SIGKILLed mid-batch and restarted',
] as const;
type Kind = (typeof KINDS)[number];

/** Waits (briefly) until the unit has a batch on its way; false when it finished or nothing went out. */
async function batchInFlight(unit: Unit): Promise<boolean> {
  const until = Date.now() + 3000;
  while (!unit.inFlight && !unit.done && Date.now() < until) await sleep(2);
  return unit.inFlight && !unit.done;
}

describe('exactly once upstream, through faults', () => {
  it(`survives at least ${MIN_FAULTS} faults of every kind and ends with every record once and every annotation applied`, async () => {
    const rand = prng(2026);
    const faults = new Map<Kind, number>();
    let total = 0;
    let turn = 0;
    const url = pg.url({ port: PROXY_PORT, database: 'central' });
    const expectations = new Map<string, Expected>();
    /** Injects one fault; true when it hit (e.g. a connection was open to drop, a batch was on its way). */
    const inject = async (kind: Kind, unit: Unit): Promise<boolean> => {
      switch (kind) {
        case 'connection dropped mid-batch':
          return (await batchInFlight(unit)) && proxy.dropAll() > 0;
        case 'request cut mid-batch':
          proxy.cutNextRequest();
          return true;
        case 'responses stalled (committed, unconfirmed)':
          await proxy.stall(800, 'responses');
          return true;
        case 'both directions stalled':
          await proxy.stall(800, 'both');
          return true;
        case 'connections refused':
          await proxy.refuse(200);
          return true;
        case 'database stopped and restarted':
          await pg.stop();
          await sleep(200);
          await pg.start();
          return true;
        case 'database SIGKILLed mid-batch and restarted': {
          const hit = await batchInFlight(unit);
          await pg.kill();
          await pg.start();
          return hit;
        }
        case 'unit SIGKILLed mid-batch and restarted': {
          const hit = await batchInFlight(unit);
          await unit.kill();
          unit.start();
          return hit;
        }
      }
    };
    for (let round = 1; total < MIN_FAULTS; round++) {
      const unitId = `desk-${round}`;
      const dir = join(work, unitId);
      const expected = await writeJournal(join(dir, 'journal'), unitId, round, 1000);
      expectations.set(unitId, expected);
      const unit = new Unit([join(dir, 'journal'), join(dir, 'state.json'), url, unitId]);
      units.push(unit);
      unit.start();
      while (!unit.done) {
        // Each fault waits for progress since the last one, so the run always moves forward (and a unit that
        // stops making progress fails the test instead of hanging it).
        const from = unit.cursor;
        const deadline = Date.now() + 60_000;
        while (unit.cursor === from && !unit.done) {
          if (Date.now() > deadline) throw new Error(`${unitId} made no progress from seq ${from} for 60 s after: ${JSON.stringify(Object.fromEntries(faults))}`);
          await sleep(20);
        }
        await sleep(rand() * 60);
        if (unit.done) break;
        const kind = KINDS[turn++ % KINDS.length] as Kind;
        if (await inject(kind, unit)) {
          faults.set(kind, (faults.get(kind) ?? 0) + 1);
          total++;
        }
      }
      await unit.ended();
    }
    expect(total).toBeGreaterThanOrEqual(MIN_FAULTS);
    for (const kind of KINDS) expect(faults.get(kind) ?? 0, kind).toBeGreaterThan(0);

    for (const [unitId, expected] of expectations) {
      const calls = await pg.query<Record<string, unknown>>(
        'SELECT * FROM deskphone.calls WHERE unit_id = $1',
        [unitId],
        'central',
      );
      // One row per call (the primary key) and no row for a call that does not exist.
      expect(calls.length, unitId).toBe(expected.records.size);
      for (const row of calls) {
        const id = String(row.call_id);
        const rec = expected.records.get(id)!;
        expect(rec, id).toBeDefined();
        // Every field of the record as written, but the annotated ones: those hold the newest annotation.
        expectRecordInRow(row, rec, FIELDS);
        const want = expected.latest.get(id)!;
        for (const f of FIELDS) {
          const col = snake(f);
          const got = row[col] instanceof Date ? (row[col] as Date).toISOString() : row[col];
          expect(got, `${id} ${f}`).toEqual(want[f]);
        }
      }
      const [events] = await pg.query<{ n: string; distinct_seq: string; max: string }>(
        'SELECT count(*) AS n, count(DISTINCT seq) AS distinct_seq, max(seq) AS max FROM deskphone.events WHERE unit_id = $1',
        [unitId],
        'central',
      );
      expect(Number(events!.n)).toBe(expected.events);
      expect(Number(events!.distinct_seq)).toBe(expected.events);
    }
    process.stdout.write(`faults injected: ${total} ${JSON.stringify(Object.fromEntries(faults))}\n`);
  }, 300_000);
});
