/**
 * A config document sent back over the API with its secrets still hidden ("***", as GET /api/v1/config shows
 * them): each hidden secret takes its stored value again, but only while it would go where it went before. A
 * changed destination (the registrar's host or port, the collector's URL, a URL's host, port, path or other
 * parameters) needs the secret sent again: otherwise whoever may edit the config could send IT's secrets to a
 * host of their choosing.
 */
import { isDeepStrictEqual } from 'node:util';
import { resolveDestination, type MarkedField, type SecretMark } from './marks.ts';
import { HIDDEN, concretePaths, maskUrl, secretSlots, setAt, setSlot, valueAt } from './redact.ts';

/** A URL with its secret parts taken out: where it sends what it carries. */
export function urlDestination(text: unknown, userIsSecret: boolean): unknown {
  if (typeof text !== 'string' || !URL.canParse(text)) return text;
  const url = new URL(text);
  for (const slot of secretSlots(url, userIsSecret).keys()) {
    if (slot === 'password') url.password = '';
    else if (slot === 'username') url.username = '';
    else url.searchParams.delete(slot.slice(1));
  }
  // The same parameters in another order go to the same place.
  url.searchParams.sort();
  return url.toString();
}

const noValue = (field: string) => `${field}: is hidden ("${HIDDEN}") and the unit has no stored value to keep: send the value itself`;
const moved = (field: string, what: string[]) => `${field}: is hidden ("${HIDDEN}") but its destination changed (${what.join(', ')}): send the secret again`;

/**
 * Puts each hidden secret of `doc` (changed in place) back from `stored` when its destination is unchanged;
 * returns the problems ("field: why"), one per secret that cannot be kept.
 */
export function restoreHiddenSecrets(doc: unknown, stored: unknown, fields: readonly MarkedField<SecretMark>[]): string[] {
  const issues: string[] = [];
  const urlMarks = new Map(fields.flatMap((f) => (f.mark.kind === 'url' ? [[f.path.join('.'), f.mark.userIsSecret] as const] : [])));
  // Where a destination field is itself a URL with credentials, only its destination part counts.
  const destinationOf = (from: unknown, at: string[]) => {
    const userIsSecret = urlMarks.get(at.map((k) => (/^\d+$/.test(k) ? '*' : k)).join('.'));
    const value = valueAt(from, at);
    return userIsSecret === undefined ? value : urlDestination(value, userIsSecret);
  };
  for (const { path, mark } of fields) {
    for (const at of concretePaths(doc, path)) {
      const field = at.join('.');
      const sent = valueAt(doc, at);
      const kept = valueAt(stored, at);
      if (typeof sent !== 'string') continue;
      if (mark.kind === 'value') {
        if (sent !== HIDDEN) continue;
        if (typeof kept !== 'string' || kept === '') {
          issues.push(noValue(field));
          continue;
        }
        const changed = mark.destination
          .map((d) => resolveDestination(at, d))
          .filter((d) => !isDeepStrictEqual(destinationOf(doc, d), destinationOf(stored, d)))
          .map((d) => d.join('.'));
        if (changed.length) issues.push(moved(field, changed));
        else setAt(doc, at, kept);
        continue;
      }
      const issue = restoreUrl(doc, at, sent, kept, mark.userIsSecret);
      if (issue) issues.push(issue);
    }
  }
  return issues;
}

/** One URL secret: its hidden parts back from the stored URL when the destination is the same. */
function restoreUrl(doc: unknown, at: string[], sent: string, kept: unknown, userIsSecret: boolean): string | null {
  const field = at.join('.');
  const storedText = typeof kept === 'string' && kept !== '' ? kept : null;
  if (sent === HIDDEN) {
    if (storedText === null) return noValue(field);
    setAt(doc, at, storedText);
    return null;
  }
  // Sent back exactly as shown: the stored text, unchanged.
  if (storedText !== null && sent === maskUrl(storedText, userIsSecret)) {
    setAt(doc, at, storedText);
    return null;
  }
  if (!URL.canParse(sent)) return null;
  const url = new URL(sent);
  const hidden = [...secretSlots(url, userIsSecret)].filter(([, v]) => v === HIDDEN || v.replaceAll('%2A', '*') === HIDDEN).map(([slot]) => slot);
  if (!hidden.length) return null;
  const storedSlots = storedText !== null && URL.canParse(storedText) ? secretSlots(new URL(storedText), userIsSecret) : new Map<string, string>();
  if (hidden.some((slot) => !storedSlots.has(slot))) return noValue(field);
  if (urlDestination(sent, userIsSecret) !== urlDestination(storedText, userIsSecret)) return moved(field, [`${field}'s host, port, path or parameters`]);
  for (const slot of hidden) setSlot(url, slot, storedSlots.get(slot) as string);
  setAt(doc, at, url.toString());
  return null;
}
