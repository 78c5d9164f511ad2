/**
 * One journal line: `{"seq":N,"record":{...},"crc":"hhhhhhhh"}` followed by a single `\n`.
 *
 * Canonical form (what the CRC covers): the body is `JSON.stringify({ seq, record })`, exactly as written —
 * readers never re-serialise. The line is the body with its closing `}` replaced by `,"crc":"hhhhhhhh"}`,
 * where hhhhhhhh is the CRC-32 (IEEE 802.3, as zlib `crc32`) of the body's UTF-8 bytes, 8 lower-case hex
 * digits. So a reader verifies a line by dropping its last 18 bytes (`,"crc":"hhhhhhhh"}`), appending `}`,
 * and taking the CRC-32 of those bytes.
 */
import { crc32 } from 'node:zlib';
import type { CallRecord } from '../../core/record.ts';

const CRC_SUFFIX_LENGTH = 18; // ,"crc":"hhhhhhhh"}
const CRC_SUFFIX = /,"crc":"([0-9a-f]{8})"\}$/;
const CLOSE_BRACE = Buffer.from('}');
const NEWLINE = 0x0a;

export interface DecodedLine {
  seq: number;
  record: CallRecord;
}

export type DecodeResult = { ok: true; value: DecodedLine } | { ok: false; reason: string };

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** The bytes to write for one record, newline included. Throws if the record cannot be serialised. */
export function encodeLine(seq: number, record: CallRecord): Buffer {
  const body = JSON.stringify({ seq, record });
  const crc = crc32(body);
  return Buffer.from(`${body.slice(0, -1)},"crc":"${hex8(crc)}"}\n`, 'utf8');
}

/** Checks and parses one line given without its trailing newline. Never throws. */
export function decodeLine(line: Buffer): DecodeResult {
  if (line.length <= CRC_SUFFIX_LENGTH + 1) return { ok: false, reason: 'line too short' };
  if (line.includes(NEWLINE)) return { ok: false, reason: 'line contains a newline' };
  const suffix = line.subarray(line.length - CRC_SUFFIX_LENGTH).toString('latin1');
  const match = CRC_SUFFIX.exec(suffix);
  if (!match) return { ok: false, reason: 'no ,"crc":"<8 hex>"} at the end of the line' };
  const prefix = line.subarray(0, line.length - CRC_SUFFIX_LENGTH);
  const actual = hex8(crc32(CLOSE_BRACE, crc32(prefix)));
  if (actual !== match[1]) return { ok: false, reason: `CRC mismatch: line says ${match[1]}, bytes give ${actual}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(prefix.toString('utf8') + '}');
  } catch (err) {
    return { ok: false, reason: `CRC matches but JSON does not parse: ${(err as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, reason: 'not a JSON object' };
  const { seq, record } = parsed as { seq?: unknown; record?: unknown };
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    return { ok: false, reason: 'seq: not a positive integer' };
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return { ok: false, reason: 'record: not an object' };
  return { ok: true, value: { seq, record: record as CallRecord } };
}

/**
 * Best effort: the seq a damaged line claims, so that a new record never reuses a number an earlier
 * (now damaged) record may already have been acknowledged and synced under.
 */
export function claimedSeq(line: Buffer): number | null {
  const match = /^\{"seq":(\d{1,15}),/.exec(line.subarray(0, 32).toString('latin1'));
  return match ? Number(match[1]) : null;
}
