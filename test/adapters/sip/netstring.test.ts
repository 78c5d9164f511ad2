import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetstringDecoder, NetstringError, encodeNetstring } from '../../../src/adapters/sip/netstring.ts';

describe('netstring', () => {
  it('encodes with the byte length, not the character length', () => {
    expect(encodeNetstring('{"a":"é"}').toString('utf8')).toBe('10:{"a":"é"},');
  });

  it('decodes joined frames from one chunk', () => {
    const d = new NetstringDecoder();
    expect(d.push(Buffer.from('3:abc,2:{},0:,'))).toEqual(['abc', '{}', '']);
  });

  it('decodes a frame split at every byte', () => {
    const d = new NetstringDecoder();
    const bytes = encodeNetstring('{"event":true,"type":"CALL_INCOMING"}');
    const out: string[] = [];
    for (const b of bytes) out.push(...d.push(Buffer.from([b])));
    expect(out).toEqual(['{"event":true,"type":"CALL_INCOMING"}']);
  });

  it('round-trips any payloads cut into any chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.array(fc.nat(), { maxLength: 10 }), (payloads, cuts) => {
        const all = Buffer.concat(payloads.map(encodeNetstring));
        const points = [...new Set(cuts.map((c) => (all.length ? c % all.length : 0)))].sort((a, b) => a - b);
        const d = new NetstringDecoder();
        const out: string[] = [];
        let prev = 0;
        for (const p of [...points, all.length]) {
          out.push(...d.push(all.subarray(prev, p)));
          prev = p;
        }
        expect(out).toEqual(payloads);
      }),
    );
  });

  it('names the offending byte and its offset for a bad length prefix', () => {
    const d = new NetstringDecoder();
    expect(d.push(Buffer.from('2:ok,'))).toEqual(['ok']);
    const err = (() => {
      try {
        d.push(Buffer.from('1x:a,'));
      } catch (e) {
        return e;
      }
    })() as NetstringError;
    expect(err).toBeInstanceOf(NetstringError);
    expect(err.offset).toBe(6);
    expect(err.message).toContain("'x'");
    expect(err.code).toBe('E_SIP_FRAMING');
  });

  it('rejects a missing trailing comma, an empty prefix, a leading zero and an endless prefix', () => {
    expect(() => new NetstringDecoder().push(Buffer.from('2:ab;'))).toThrow(/byte 4: expected ','/);
    expect(() => new NetstringDecoder().push(Buffer.from(':ab,'))).toThrow(/empty length prefix/);
    expect(() => new NetstringDecoder().push(Buffer.from('02:ab,'))).toThrow(/leading zero/);
    expect(() => new NetstringDecoder().push(Buffer.from('1234567890'))).toThrow(/longer than 9 digits/);
  });
});
