import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkLine, claimedSeq, decodeLine, encodeEventLine, encodeLine } from '../../../src/adapters/journal/line-format.ts';
import { makeRecord } from './support.ts';

function withoutNewline(buf: Buffer): Buffer {
  expect(buf.at(-1)).toBe(0x0a);
  return buf.subarray(0, -1);
}

describe('line format', () => {
  it('writes {"seq","record","crc"} with the CRC-32 of the documented canonical body', () => {
    const record = makeRecord('r1');
    const line = encodeLine(7, record).toString('utf8');
    const body = JSON.stringify({ seq: 7, record });
    const crc = crc32(body).toString(16).padStart(8, '0');
    expect(line).toBe(`${body.slice(0, -1)},"crc":"${crc}"}\n`);
    // A reader that knows only the rule: drop the last 18 bytes, add "}", CRC the bytes.
    const text = line.slice(0, -1);
    expect(crc32(text.slice(0, -18) + '}').toString(16).padStart(8, '0')).toBe(JSON.parse(text).crc);
  });

  it('round-trips records with non-ASCII text and escaped newlines', () => {
    const record = makeRecord('r2', { notes: '回电 "quotes" \\ and\nnewline' });
    const decoded = decodeLine(withoutNewline(encodeLine(42, record)));
    expect(decoded).toEqual({ ok: true, value: { seq: 42, record } });
  });

  it('catches every single flipped bit in a line', () => {
    const line = withoutNewline(encodeLine(3, makeRecord('r3')));
    let caught = 0;
    let total = 0;
    for (let byte = 0; byte < line.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const copy = Buffer.from(line);
        copy[byte] = (copy[byte] as number) ^ (1 << bit);
        total++;
        // Opening relies on checkLine alone (no parse): it must catch every one too.
        if (!decodeLine(copy).ok && !checkLine(copy).ok) caught++;
      }
    }
    expect(caught).toBe(total);
  });

  it('names the reason a line is refused', () => {
    expect(decodeLine(Buffer.from('{"seq":1,"record":{}}'))).toMatchObject({ ok: false, reason: expect.stringContaining('crc') });
    const good = withoutNewline(encodeLine(5, makeRecord('r5'))).toString('utf8');
    const badCrc = good.replace(/"crc":"[0-9a-f]{8}"/, '"crc":"00000000"');
    expect(decodeLine(Buffer.from(badCrc))).toMatchObject({ ok: false, reason: expect.stringContaining('CRC mismatch') });
    // A body with a valid CRC but a bad seq is still refused, by field.
    const body = JSON.stringify({ seq: -1, record: {} });
    const forged = `${body.slice(0, -1)},"crc":"${crc32(body).toString(16).padStart(8, '0')}"}`;
    expect(decodeLine(Buffer.from(forged))).toMatchObject({ ok: false, reason: expect.stringContaining('seq') });
  });

  it('reads the seq a damaged line claims', () => {
    const line = withoutNewline(encodeLine(1234, makeRecord('r')));
    expect(claimedSeq(line.subarray(0, 40))).toBe(1234);
    expect(claimedSeq(Buffer.from('garbage'))).toBeNull();
  });
});

describe('event lines and checking without parsing', () => {
  it('round-trips an event and reads seq and kind of either line from its start', () => {
    const event = { type: 'call.annotated', at: '2025-03-01T10:00:00.000Z', callId: 'r1', notes: '留言 "x"' };
    const line = withoutNewline(encodeEventLine(9, event));
    expect(line.toString('utf8')).toMatch(/^\{"seq":9,"event":\{/);
    expect(decodeLine(line)).toEqual({ ok: true, value: { seq: 9, event } });
    expect(checkLine(line)).toMatchObject({ ok: true, seq: 9, kind: 'event' });
    expect(checkLine(withoutNewline(encodeLine(123456789, makeRecord('r'))))).toMatchObject({ ok: true, seq: 123456789, kind: 'record' });
    // Where the record or event sits in the line: exactly its JSON, which the CSV export copies from.
    const checked = checkLine(line);
    expect(checked.ok && line.toString('utf8', checked.payloadAt, checked.payloadEnd)).toBe(JSON.stringify(event));
    const recordLine = withoutNewline(encodeLine(123456789, makeRecord('r')));
    const checkedRecord = checkLine(recordLine);
    expect(checkedRecord.ok && recordLine.toString('utf8', checkedRecord.payloadAt, checkedRecord.payloadEnd)).toBe(JSON.stringify(makeRecord('r')));
  });

  it('refuses a line whose CRC is right but whose start is not the fixed form', () => {
    const body = JSON.stringify({ record: {}, seq: 4 }); // keys in the wrong order
    const forged = Buffer.from(`${body.slice(0, -1)},"crc":"${crc32(body).toString(16).padStart(8, '0')}"}`);
    expect(checkLine(forged)).toMatchObject({ ok: false, reason: expect.stringContaining('seq') });
    expect(checkLine(Buffer.from('{"seq":1,"record":{},"crc":"ZZZZZZZZ"}'))).toMatchObject({ ok: false, reason: expect.stringContaining('crc') });
  });
});
