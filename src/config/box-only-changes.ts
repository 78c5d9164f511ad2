/**
 * The box-only fields (./marks.ts: program paths, listener addresses, the data directory, the provisioning
 * source, audio devices) a document sent over the API would change. A field counts as changed when its value
 * differs from the stored one, both as written and with the schema's defaults filled in (so sending back a
 * default the file left out is no change).
 */
import { isDeepStrictEqual } from 'node:util';
import { concretePaths, valueAt } from './redact.ts';

export function boxOnlyChanges(
  paths: readonly string[][],
  sent: unknown,
  stored: unknown,
  parsed: { sent: unknown; stored: unknown } | null,
): string[] {
  const changed = new Set<string>();
  for (const path of paths) {
    const places = new Set([...concretePaths(sent, path), ...concretePaths(stored, path)].map((p) => p.join('.')));
    for (const place of places) {
      const at = place.split('.');
      if (isDeepStrictEqual(valueAt(sent, at), valueAt(stored, at))) continue;
      if (parsed && isDeepStrictEqual(valueAt(parsed.sent, at), valueAt(parsed.stored, at))) continue;
      changed.add(place);
    }
  }
  return [...changed];
}
