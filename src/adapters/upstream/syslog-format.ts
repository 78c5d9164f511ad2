/**
 * RFC 5424 messages for the syslog sink, one per journal entry, framed by octet counting (RFC 6587 3.4.1,
 * also RFC 5425 for TLS): `<len> <PRI>1 TIMESTAMP HOST APP - MSGID [SD] MSG`. The structured data holds
 * the call's fields as params of `call@32473` (or `event@32473`); 32473 is the documentation enterprise
 * number of RFC 5612, used until the project has its own. Personal data (caller number and name, notes,
 * messages) is included only when the link is encrypted (SPEC R11).
 */
import type { CallRecord } from '../../core/record.ts';
import { isCallEntry, type AnyJournalEntry } from '../../ports/call-journal.ts';

const PEN = 32473;
const PRI = 16 * 8 + 6; // facility local0, severity informational
const PERSONAL = new Set(['callerNumber', 'callerName', 'notes', 'message']);

export interface SyslogFormat {
  hostname: string;
  appName: string;
  unitId: string;
  /** Personal fields are sent only when true (TLS). */
  personal: boolean;
}

/** RFC 5424 6.3.3: inside PARAM-VALUE, '"', '\' and ']' are escaped with '\'. */
export function escapeParam(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** SD-NAME: printable US-ASCII except '=', ' ', ']', '"', at most 32 characters. */
function paramName(name: string): string {
  return name.replace(/[^!-~]|[= \]"]/g, '_').slice(0, 32);
}

function paramValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function sd(id: string, params: Record<string, unknown>, personal: boolean): string {
  let out = `[${id}@${PEN}`;
  for (const [k, v] of Object.entries(params)) {
    if (!personal && PERSONAL.has(k)) continue;
    const text = paramValue(v);
    if (text !== null) out += ` ${paramName(k)}="${escapeParam(text)}"`;
  }
  return `${out}]`;
}

function timestamp(value: unknown): string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : '-';
}

function header(f: SyslogFormat, time: unknown, msgId: string): string {
  return `<${PRI}>1 ${timestamp(time)} ${f.hostname} ${f.appName} - ${msgId}`;
}

function callSummary(r: CallRecord): string {
  return `call ${r.id} ${r.direction} ${r.outcome} rings=${r.rings} talk=${Math.round(r.talkMs / 1000)}s${r.late ? ' late' : ''}`;
}

export function syslogMessage(f: SyslogFormat, entry: AnyJournalEntry): string {
  if (isCallEntry(entry)) {
    const { record } = entry;
    return `${header(f, record.endedAt, 'call')} ${sd('call', { unit: f.unitId, seq: entry.seq, ...record }, f.personal)} ${callSummary(record)}`;
  }
  const { event } = entry;
  return `${header(f, event.at, 'event')} ${sd('event', { unit: f.unitId, seq: entry.seq, ...event }, f.personal)} ${String(event.type)}`;
}

/** RFC 6587 octet counting: the message's length in bytes, a space, the message. */
export function frame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
