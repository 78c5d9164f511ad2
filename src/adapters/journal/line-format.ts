/**
 * One journal line, a call record or an event, followed by a single `\n`:
 *   `{"seq":N,"record":{...},"crc":"hhhhhhhh"}`  or  `{"seq":N,"event":{...},"crc":"hhhhhhhh"}`
 *
 * Canonical form (what the CRC covers): the body is `JSON.stringify({ seq, record })` (or `{ seq, event }`),
 * exactly as written — readers never re-serialise. The line is the body with its closing `}` replaced by
 * `,"crc":"hhhhhhhh"}`, where hhhhhhhh is the CRC-32 (IEEE 802.3, as zlib `crc32`) of the body's UTF-8 bytes,
 * 8 lower-case hex digits. So a reader verifies a line by dropping its last 18 bytes (`,"crc":"hhhhhhhh"}`),
 * appending `}`, and taking the CRC-32 of those bytes. Because the body always starts `{"seq":N,"record":`
 * or `{"seq":N,"event":`, a reader learns the seq and the kind of a checked line without parsing it.
 */
import { crc32 } from 'node:zlib';
import type { CallRecord } from '../../core/record.ts';
import type { AnyJournalEntry, JournalEvent } from '../../ports/call-journal.ts';

const CRC_SUFFIX_LENGTH = 18; // ,"crc":"hhhhhhhh"}
const CRC_LEAD = Buffer.from(',"crc":"', 'latin1');
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;

export type EntryKind = 'record' | 'event';

export type DecodeResult = { ok: true; value: AnyJournalEntry } | { ok: false; reason: string };
/** The record's or event's JSON is buf[payloadAt, payloadEnd): from its `{` to its `}`, just before the CRC member. */
export type CheckResult = { ok: true; seq: number; kind: EntryKind; payloadAt: number; payloadEnd: number } | { ok: false; reason: string };

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function frame(body: string): Buffer {
  return Buffer.from(`${body.slice(0, -1)},"crc":"${hex8(crc32(body))}"}\n`, 'utf8');
}

/** The bytes to write for one call record, newline included. Throws if the record cannot be serialised. */
export function encodeLine(seq: number, record: CallRecord): Buffer {
  return frame(JSON.stringify({ seq, record }));
}

/** The bytes to write for one event, newline included. Throws if the event cannot be serialised. */
export function encodeEventLine(seq: number, event: JournalEvent): Buffer {
  return frame(JSON.stringify({ seq, event }));
}

/**
 * zlib's CRC-32 of some bytes (`crc`) extended by one more byte, bit by bit: the same as crc32(Buffer.of(byte), crc)
 * without a second native call for every line read (the export checks 200k of them).
 */
function crc32OneMore(crc: number, byte: number): number {
  let c = ~crc ^ byte;
  for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  return ~c >>> 0;
}

/** The 8 hex digits of a CRC as a number, or -1 when they are not 8 lower-case hex digits. */
function parseHex8(bytes: Buffer, start: number): number {
  let n = 0;
  for (let i = start; i < start + 8; i++) {
    const c = bytes[i] as number;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}

const SEQ_LEAD = Buffer.from('{"seq":', 'latin1');
const RECORD_LEAD = Buffer.from(',"record":{', 'latin1');
const EVENT_LEAD = Buffer.from(',"event":{', 'latin1');

/** Byte by byte: for a dozen bytes this is cheaper than Buffer#compare's native call. */
function startsWithAt(buf: Buffer, at: number, end: number, lead: Buffer): boolean {
  if (at + lead.length > end) return false;
  for (let i = 0; i < lead.length; i++) if (buf[at + i] !== lead[i]) return false;
  return true;
}

/**
 * Checks one line, `buf[start, end)` without its newline, by its CRC and reads its seq and kind from the
 * bytes, without parsing the JSON or making strings: what opening the journal needs. Never throws.
 */
export function checkLine(buf: Buffer, start = 0, end = buf.length): CheckResult {
  if (end - start <= CRC_SUFFIX_LENGTH + 1) return { ok: false, reason: 'line too short' };
  const suffixAt = end - CRC_SUFFIX_LENGTH;
  const expected = parseHex8(buf, suffixAt + CRC_LEAD.length);
  if (!startsWithAt(buf, suffixAt, end, CRC_LEAD) || expected < 0 || buf[end - 2] !== 0x22 || buf[end - 1] !== 0x7d)
    return { ok: false, reason: 'no ,"crc":"<8 hex>"} at the end of the line' };
  const actual = crc32OneMore(crc32(buf.subarray(start, suffixAt)), CLOSE_BRACE);
  if (actual !== expected) return { ok: false, reason: `CRC mismatch: line says ${hex8(expected)}, bytes give ${hex8(actual)}` };
  // {"seq":N,"record":{  or  {"seq":N,"event":{  with N a positive integer without leading zeros
  let at = start + SEQ_LEAD.length;
  let seq = 0;
  const digitsAt = at;
  while (at < suffixAt && at - digitsAt < 16 && (buf[at] as number) >= 0x30 && (buf[at] as number) <= 0x39) seq = seq * 10 + (buf[at++] as number) - 0x30;
  const kind: EntryKind | null = startsWithAt(buf, at, suffixAt, RECORD_LEAD) ? 'record' : startsWithAt(buf, at, suffixAt, EVENT_LEAD) ? 'event' : null;
  if (!startsWithAt(buf, start, suffixAt, SEQ_LEAD) || at === digitsAt || buf[digitsAt] === 0x30 || kind === null)
    return { ok: false, reason: 'seq: CRC matches but the line does not start with {"seq":<positive integer>,"record"|"event":{' };
  if (!Number.isSafeInteger(seq)) return { ok: false, reason: 'seq: not a safe integer' };
  if (buf[suffixAt - 1] !== 0x7d) return { ok: false, reason: 'CRC matches but the record or event does not end with }' };
  return { ok: true, seq, kind, payloadAt: at + (kind === 'record' ? RECORD_LEAD : EVENT_LEAD).length - 1, payloadEnd: suffixAt };
}

/**
 * Checks and parses one line given without its trailing newline. Never throws. Only the record or event is
 * parsed (checkLine has read the seq and the kind from the fixed start, and found the `}` that ends it just
 * before the CRC member): no copy of the line is made to parse it, and no wrapper object.
 */
export function decodeLine(line: Buffer): DecodeResult {
  if (line.includes(NEWLINE)) return { ok: false, reason: 'line contains a newline' };
  const checked = checkLine(line);
  if (!checked.ok) return checked;
  return parsePayload(checked.seq, checked.kind, line, checked.payloadAt, checked.payloadEnd);
}

/** The entry from a checked line's record or event JSON, buf[start, end). Never throws. */
export function parsePayload(seq: number, kind: EntryKind, buf: Buffer, start: number, end: number): DecodeResult {
  let payload: unknown;
  try {
    payload = JSON.parse(buf.toString('utf8', start, end));
  } catch (err) {
    return { ok: false, reason: `CRC matches but JSON does not parse: ${(err as Error).message}` };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { ok: false, reason: `${kind}: not an object` };
  return kind === 'record' ? { ok: true, value: { seq, record: payload as CallRecord } } : { ok: true, value: { seq, event: payload as JournalEvent } };
}

/**
 * Best effort: the seq a damaged line claims, so that a new record never reuses a number an earlier
 * (now damaged) record may already have been acknowledged and synced under.
 */
export function claimedSeq(line: Buffer): number | null {
  const match = /^\{"seq":(\d{1,15}),/.exec(line.subarray(0, 32).toString('latin1'));
  return match ? Number(match[1]) : null;
}
