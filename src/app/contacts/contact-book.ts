/**
 * The contact book (issue 20 item 1): the receptionist names a caller number once (name, company, note) and the
 * unit shows it at the next ring and writes the name into that call's record. Kept in a small durable state file
 * of its own (rewritten whole, fsynced, renamed: survives a power cut; see the StateStore port), keyed by the
 * number's one normalised form (E.164). Every change is also a journal event (`contact.saved`, `contact.deleted`)
 * naming who made it: the upstream sync sends it like any journal entry (HTTPS lines, PostgreSQL
 * deskphone.events and the deskphone.contacts view), and the change is audited. Changes run one at a time.
 */
import { randomUUID } from 'node:crypto';
import PQueue from 'p-queue';
import { ConflictError, NotFoundError } from '../../core/api-errors.ts';
import type { CallJournal } from '../../ports/call-journal.ts';
import type { Clock } from '../../ports/clock.ts';
import type { StateStore } from '../../ports/state-store.ts';

export const CONTACT_EVENT = { saved: 'contact.saved', deleted: 'contact.deleted' } as const;
const KEY = 'contacts';

export interface Contact {
  id: string;
  /** E.164 (or an extension's digits), as normalised by the caller. */
  number: string;
  name: string;
  company: string | null;
  note: string | null;
  updatedAt: string;
  updatedBy: string;
}

export type ContactInput = Pick<Contact, 'number' | 'name'> & Partial<Pick<Contact, 'company' | 'note'>>;

export interface ContactBookDeps {
  store: StateStore;
  journal: CallJournal;
  clock: Clock;
  newId?: () => string;
}

function isContact(v: unknown): v is Contact {
  const c = v as Contact;
  return typeof c === 'object' && c !== null && typeof c.id === 'string' && typeof c.number === 'string' && typeof c.name === 'string';
}

export class ContactBook {
  private readonly byId = new Map<string, Contact>();
  private readonly byNumber = new Map<string, Contact>();
  private readonly queue = new PQueue({ concurrency: 1 });
  private readonly newId: () => string;

  constructor(private readonly deps: ContactBookDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  /** Reads the state file (a corrupt one is refused by the store, naming the file). */
  async open(): Promise<void> {
    await this.deps.store.open();
    const stored = this.deps.store.get(KEY);
    for (const c of Array.isArray(stored) ? stored : []) if (isContact(c)) this.index(c);
  }

  close(): Promise<void> {
    return this.deps.store.close();
  }

  get size(): number {
    return this.byId.size;
  }

  /** The contact for a normalised number, or undefined. */
  forNumber(number: string | null): Contact | undefined {
    return number === null ? undefined : this.byNumber.get(number);
  }

  get(id: string): Contact {
    const c = this.byId.get(id);
    if (!c) throw new NotFoundError('params.id', `no contact with id "${id}"`);
    return c;
  }

  /** Every contact, by name; `match` keeps those it accepts. */
  list(match?: (c: Contact) => boolean): Contact[] {
    return [...this.byId.values()].filter((c) => !match || match(c)).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }

  create(input: ContactInput, by: string): Promise<Contact> {
    return this.change(async () => {
      this.refuseTaken(input.number, null);
      const c = this.stamp({ id: this.newId(), number: input.number, name: input.name, company: input.company ?? null, note: input.note ?? null }, by);
      await this.save(c, null);
      return c;
    });
  }

  update(id: string, patch: Partial<ContactInput>, by: string): Promise<Contact> {
    return this.change(async () => {
      const old = this.get(id);
      if (patch.number !== undefined) this.refuseTaken(patch.number, id);
      const c = this.stamp({ ...old, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) }, by);
      await this.save(c, old);
      return c;
    });
  }

  remove(id: string, by: string): Promise<Contact> {
    return this.change(async () => {
      const old = this.get(id);
      this.unindex(old);
      try {
        await this.persist();
      } catch (err) {
        this.index(old);
        throw err;
      }
      await this.deps.journal.appendEvent({ type: CONTACT_EVENT.deleted, callId: null, at: this.now(), contactId: id, number: old.number, by });
      return old;
    });
  }

  private change<T>(run: () => Promise<T>): Promise<T> {
    return this.queue.add(run, { throwOnTimeout: true });
  }

  private refuseTaken(number: string, except: string | null): void {
    const other = this.byNumber.get(number);
    if (other && other.id !== except) throw new ConflictError('body.number', `the number is already in the contact book as "${other.name}" (id ${other.id}): edit that contact`);
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  private stamp(c: Omit<Contact, 'updatedAt' | 'updatedBy'>, by: string): Contact {
    return { ...c, updatedAt: this.now(), updatedBy: by };
  }

  /** The state file first (what the unit shows), then the journal event (what is synced and audited). */
  private async save(c: Contact, old: Contact | null): Promise<void> {
    if (old) this.unindex(old);
    this.index(c);
    try {
      await this.persist();
    } catch (err) {
      this.unindex(c);
      if (old) this.index(old);
      throw err;
    }
    const { id, number, name, company, note } = c;
    await this.deps.journal.appendEvent({ type: CONTACT_EVENT.saved, callId: null, at: c.updatedAt, contactId: id, number, name, company, note, by: c.updatedBy });
  }

  private persist(): Promise<void> {
    return this.deps.store.set(KEY, [...this.byId.values()]);
  }

  private index(c: Contact): void {
    this.byId.set(c.id, c);
    this.byNumber.set(c.number, c);
  }

  private unindex(c: Contact): void {
    this.byId.delete(c.id);
    if (this.byNumber.get(c.number)?.id === c.id) this.byNumber.delete(c.number);
  }
}
