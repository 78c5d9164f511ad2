/**
 * The schema's secret marks, as properties over random secrets: hiding a config shows none of them; sending the
 * hidden document back restores every one exactly; moving any destination (registrar host, collector host,
 * database host) while a secret stays hidden is refused for that secret.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restoreHiddenSecrets } from '../../src/config/hidden-secrets.ts';
import { CONFIG_SECRETS, parseConfig, redactConfig } from '../../src/config/load.ts';

// Long enough that no other text of the document could hold one by chance.
const secret = fc.stringMatching(/^[A-Za-z0-9_~-]{12,24}$/);
// No secret inside another ("abc…" and "abc…__"): a secret rightly kept in one place would look like another leaking.
const secrets = fc
  .record({ sip: secret, line2: secret, pgUser: fc.stringMatching(/^[a-z]{3,8}$/), pg: secret, pgParam: secret, httpsUser: secret, httpsPass: secret, httpsParam: secret, token: secret })
  .filter((r) => {
    const values = Object.entries(r).filter(([k]) => k !== 'pgUser').map(([, v]) => v);
    return values.every((a, i) => values.every((b, j) => i === j || !b.includes(a)));
  });
type Secrets = typeof secrets extends fc.Arbitrary<infer T> ? T : never;

const docOf = (s: Secrets) => ({
  sip: { registrar: { host: 'pbx.example', username: 'desk', password: s.sip }, line2: { user: 'desk-2', password: s.line2 } },
  upstream: {
    postgres: { url: `postgresql://${s.pgUser}:${s.pg}@db.example:5432/calls?sslmode=verify-full&password=${s.pgParam}` },
    https: { url: `https://${s.httpsUser}:${s.httpsPass}@collector.example/in?token=${s.httpsParam}&x=1`, token: s.token },
  },
});
const secretValues = (s: Secrets): string[] => Object.entries(s).filter(([k]) => k !== 'pgUser').map(([, v]) => v);

describe('secret marks', () => {
  it('hidden, none shows; sent back hidden, every one comes back exactly', () => {
    fc.assert(
      fc.property(secrets, (s) => {
        const doc = docOf(s);
        parseConfig(doc);
        const shown = redactConfig(doc);
        const text = JSON.stringify(shown);
        for (const v of secretValues(s)) expect(text).not.toContain(v);
        const back = structuredClone(shown);
        expect(restoreHiddenSecrets(back, doc, CONFIG_SECRETS)).toEqual([]);
        expect(back).toEqual(doc);
      }),
      { numRuns: 300 },
    );
  });

  it('a moved destination with the secret still hidden is refused for that secret', () => {
    const toRegistrar = (d: ReturnType<typeof docOf>) => (d.sip.registrar.host = 'evil.example');
    const toCollector = (d: ReturnType<typeof docOf>) => (d.upstream.https.url = d.upstream.https.url.replace('collector.example', 'evil.example'));
    const toDatabase = (d: ReturnType<typeof docOf>) => (d.upstream.postgres.url = d.upstream.postgres.url.replace('db.example', 'evil.example'));
    // The field refused, which secrets it holds, and the move.
    const moves: [string, (keyof Secrets)[], (d: ReturnType<typeof docOf>) => void][] = [
      ['sip.registrar.password', ['sip'], toRegistrar],
      ['sip.line2.password', ['line2'], toRegistrar],
      ['upstream.https.token', ['token'], toCollector],
      ['upstream.https.url', ['httpsUser', 'httpsPass', 'httpsParam'], toCollector],
      ['upstream.postgres.url', ['pg', 'pgParam'], toDatabase],
    ];
    fc.assert(
      fc.property(secrets, fc.constantFrom(...moves), (s, [field, held, move]) => {
        const doc = docOf(s);
        const back = redactConfig(doc);
        move(back);
        const issues = restoreHiddenSecrets(back, doc, CONFIG_SECRETS);
        expect(issues.map((i) => i.slice(0, i.indexOf(': ')))).toContain(field);
        for (const key of held) expect(JSON.stringify(back)).not.toContain(s[key]);
      }),
      { numRuns: 200 },
    );
  });
});
