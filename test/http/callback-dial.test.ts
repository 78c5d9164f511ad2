/**
 * Issue 17: a call-back dials only a number (digits, optional leading +) through the registrar, never an address a
 * caller put in their From header; one with no dialable number answers 422 E_NOT_DIALABLE saying why (the page words it: dial from the desk phone), and nothing is dialled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryBook } from '../../src/app/calls/directory-book.ts';
import { createLogger } from '../../src/app/logger.ts';
import { buildHttp } from '../../src/http/server.ts';
import { fakeUnit } from '../support/fake-unit.ts';
import { sampleRecord } from './lan-support.ts';
import { recordsFor } from './records-fixture.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(registrar: string | null = 'pbx.example') {
  const f = fakeUnit();
  const now = Date.parse('2026-11-25T02:00:00Z');
  await f.unit.start();
  const records = recordsFor({ unit: f.unit, journal: f.journal, clock: { now: () => now, monotonic: () => now }, timeZone: 'Asia/Shanghai' });
  await records.start();
  const app = buildHttp({ unit: f.unit, unitId: 'u1', logger: createLogger('silent'), records, directory: new DirectoryBook([], registrar) });
  cleanups.push(() => app.close(), () => records.stop(), () => f.unit.stop());
  const missed = async (id: string, callerNumber: string) => {
    f.unit.emit('recorded', await f.journal.append(sampleRecord({ id, outcome: 'missed', answeredAt: null, answeredBy: 'nobody', callerNumber })));
  };
  const dials = () => f.sip.commands.filter((c) => c.startsWith('dial:'));
  return { f, app, missed, dials };
}

describe('call-back dial rules (issue 17)', () => {
  it.each(['sip:x@elsewhere.example', 'sips:boss@10.0.0.9:5061', 'alice', '*97', '1555;user=phone'])(
    'a stored caller number %s is not dialled: 422 E_NOT_DIALABLE naming why, and no dial reaches the SIP line',
    async (planted) => {
      const { app, missed, dials } = await setup();
      await missed('m', planted);
      const res = await app.inject({ method: 'POST', url: '/api/v1/callbacks/m/dial' });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'E_NOT_DIALABLE', field: 'params.id' });
      expect(res.json().error.message).toContain('no dialable number');
      // The reason names no number: the reader may see it masked.
      expect(res.body).not.toContain(planted);
      expect(dials()).toEqual([]);
    },
  );

  it('a number goes out through the registrar, visual separators dropped', async () => {
    const { app, missed, dials } = await setup();
    await missed('m', '+86 138-0000.0000');
    const res = await app.inject({ method: 'POST', url: '/api/v1/callbacks/m/dial' });
    expect(res.statusCode, res.body).toBe(201);
    expect(dials()).toEqual(['dial:sip:+8613800000000@pbx.example']);
  });

  it('with no registrar (direct IP mode) a number cannot be dialled: 422 E_NOT_DIALABLE saying why', async () => {
    const { app, missed, dials } = await setup(null);
    await missed('m', '+8613800000000');
    const res = await app.inject({ method: 'POST', url: '/api/v1/callbacks/m/dial' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('E_NOT_DIALABLE');
    expect(res.json().error.message).toContain('sip.registrar is not set');
    expect(dials()).toEqual([]);
  });
});
