/**
 * The one wrapper around libphonenumber-js (issue 18): a number as a person writes it — `137-0000-2222`,
 * `137 0000 2222`, `(010) 1234 5678`, `+86 137 0000 2222` — read with a default region (mainland China unless
 * the caller says otherwise) and stored in one form, E.164 (`+8613700002222`). A short run of digits is an
 * internal extension and kept as it is. Anything else (letters, an extension suffix, a number no region could
 * dial) is no number: null. E.164 is digits with a leading + only, so it stays within what call-backs dial.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** What a written number may contain: digits, a leading +, spaces, hyphens, dots, parentheses. */
const WRITTEN = /^\+?[0-9 ().-]+$/;
/** Internal extensions: 2 to 6 digits, nothing else. */
const EXTENSION = /^[0-9]{2,6}$/;

export const DEFAULT_REGION: CountryCode = 'CN';

/** `text` in E.164 (or an extension's digits), or null when it is not a phone number. */
export function normalizePhoneNumber(text: string, region: CountryCode = DEFAULT_REGION): string | null {
  const written = text.trim();
  if (EXTENSION.test(written)) return written;
  if (!WRITTEN.test(written)) return null;
  const parsed = parsePhoneNumberFromString(written, region);
  if (!parsed || !parsed.isPossible() || parsed.ext) return null;
  return parsed.number;
}
