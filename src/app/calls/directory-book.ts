/**
 * The colleagues' directory in force (config `directory`, SPEC R13), replaceable while the unit runs (a saved
 * config applies live), and the one place where what the receptionist typed becomes a SIP URI to dial or to
 * transfer to: a directory name, a SIP URI, or an extension/number (through the registrar). A number the unit
 * has stored for someone else (a caller's number, a call-back number on a message slip) goes out only through
 * `numberUri`: a dialable number through the registrar, never a URI.
 */
import type { TransferTarget } from '../../core/events.ts';
import { BadInputError } from '../../core/errors.ts';
import { NotDialableError } from '../../core/api-errors.ts';
import { dialableNumber } from '../../core/phone-number.ts';
import type { DirectoryEntry } from '../../config/directory-schema.ts';

const SIP_URI = /^sips?:[^\s<>"@]+@[^\s<>"]+$/;
const NUMBER = /^[0-9*#+]{1,20}$/;

export class DirectoryBook {
  private entries: readonly DirectoryEntry[];
  private readonly listeners = new Set<(entries: readonly DirectoryEntry[]) => void>();

  /** `registrarHost`: where extensions and numbers are dialled; null in direct IP mode (SIP URIs only). */
  constructor(
    entries: readonly DirectoryEntry[],
    private readonly registrarHost: string | null,
  ) {
    this.entries = entries;
  }

  list(): readonly DirectoryEntry[] {
    return this.entries;
  }

  replace(entries: readonly DirectoryEntry[]): void {
    this.entries = entries;
    for (const listener of this.listeners) listener(entries);
  }

  /** Calls `listener` with the new entries each time the directory is replaced (the live stream tells the page). */
  onReplace(listener: (entries: readonly DirectoryEntry[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  find(name: string): DirectoryEntry | undefined {
    const key = name.trim().toLowerCase();
    return this.entries.find((e) => e.name.toLowerCase() === key);
  }

  /**
   * What `to` means (field names the request field for the error): a colleague by name (label = their name),
   * else a SIP URI or a number as given (label = what was typed).
   */
  resolve(to: string, field = 'to'): TransferTarget {
    const typed = to.trim();
    const entry = this.find(typed);
    if (entry) return { label: entry.name, uri: this.uriFor(entry.uri, `directory entry "${entry.name}"`) };
    if (SIP_URI.test(typed) || NUMBER.test(typed)) return { label: typed, uri: this.uriFor(typed, field) };
    throw new BadInputError(field, `"${typed}" is not a colleague in the directory, a SIP URI (sip:user@host) or a number`);
  }

  /**
   * The SIP URI that dials a stored number (a call-back): only digits with an optional leading + (visual
   * separators dropped), only through the registrar. Null when `number` is no such number (a caller's SIP
   * address, letters); NotDialableError naming `field` when there is no registrar to dial numbers through.
   */
  numberUri(number: string, field: string): string | null {
    const dialable = dialableNumber(number);
    return dialable === null ? null : this.uriFor(dialable, field);
  }

  private uriFor(target: string, field: string): string {
    if (SIP_URI.test(target)) return target;
    if (!this.registrarHost)
      throw new NotDialableError(field, `the number ${target} can only be dialled through a registrar (sip.registrar is not set): use a SIP URI`);
    return `sip:${target}@${this.registrarHost}`;
  }
}

/** What the caller hears the target called: a colleague's name as is; a URI or number by its user part. */
export function spokenName(label: string): string {
  return /^sips?:([^@;]+)@/.exec(label)?.[1] ?? label;
}
