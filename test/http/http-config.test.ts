/** The http and records config sections: every problem named by field. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';

function issues(input: unknown): string[] {
  try {
    parseConfig(input);
    return [];
  } catch (err) {
    return (err as { issues: string[] }).issues;
  }
}

describe('http and records config', () => {
  it.each([
    [{ http: { lan: { certFile: '/etc/deskphone/cert.pem' } } }, 'http.lan.keyFile: certFile and keyFile go together'],
    [{ http: { enabled: false, lan: { enabled: false } } }, 'http.enabled: the local and the LAN listener cannot both be off'],
    [{ http: { lan: { port: 70000 } } }, 'http.lan.port: Number must be less than or equal to 65535'],
    ...['0.0.0.0', '::', '192.168.1.20', 'deskphone.local'].map((host): [unknown, string] => [
      { http: { host } },
      'http.host: must be a loopback address (127.0.0.1, ::1 or localhost): the local listener grants every permission without a token; the LAN is served by http.lan',
    ]),
    [{ records: { quietHours: [{ from: '24:00', to: '06:00' }] } }, 'records.quietHours.0.from: must be HH:MM (00:00 to 23:59)'],
    [{ records: { quietHours: [{ from: '12:00', to: '12:00' }] } }, 'records.quietHours.0.to: must differ from from'],
    [{ records: { holidays: ['2026-13-01'] } }, 'records.holidays.0: must be YYYY-MM-DD'],
    [{ records: { offWeekdays: [1, 2, 3, 4, 5, 6, 7] } }, 'records.offWeekdays: leaves no day for call-backs'],
    [{ records: { categories: [''] } }, 'records.categories.0: String must contain at least 1 character(s)'],
  ])('%j is refused: %s', (input, issue) => {
    expect(issues(input)).toContain(issue);
  });

  it('accepts loopback addresses for the local listener', () => {
    for (const host of ['127.0.0.1', '127.0.1.1', '::1', 'localhost']) expect(issues({ http: { host } })).toEqual([]);
  });

  it('accepts an installer certificate with its key, and the local listener switched off', () => {
    expect(issues({ http: { enabled: false, lan: { certFile: '/c.pem', keyFile: '/k.pem' } } })).toEqual([]);
  });
});
