/**
 * What a history search (`q`) may look for, by who asks (R11, issue 18 item 9). A text with a digit and only the
 * characters of a written number is a number, else a name. A viewer who sees whole numbers (IT, the unit itself)
 * finds any part of a number. The receptionist sees numbers masked in the middle, so her search must not uncover
 * the hidden digits: a number finds a call only as a whole (written any way libphonenumber reads it, e.g.
 * `137-0000-2222`) or by its last four digits, which she sees anyway. Names she may search as she sees them.
 */
import { normalizePhoneNumber } from '../../adapters/phone/phone-numbers.ts';
import { numberDigits, type TextMatch } from '../../app/records/call-text.ts';

const WRITTEN_NUMBER = /^[+0-9 ().-]*[0-9][+0-9 ().-]*$/;
/** Digits a masked number leaves visible at its end (reception-mask.ts keeps four). */
const VISIBLE_TAIL = 4;

export type SearchRights = 'whole-numbers' | 'masked-numbers';

export function searchMatches(q: string, rights: SearchRights): TextMatch[] {
  const text = q.trim();
  if (!WRITTEN_NUMBER.test(text)) return [{ field: 'name', needle: text.toLowerCase() }];
  const digits = numberDigits(text);
  if (rights === 'whole-numbers') {
    // A trunk 0 or an international 00 is not in the stored form (+86 10 …): look for the rest.
    return [{ field: 'number', needle: digits.replace(/^0+/, '') || digits }];
  }
  if (digits.length <= VISIBLE_TAIL) return [{ field: 'number', needle: digits, anchor: 'suffix' }];
  const normalized = normalizePhoneNumber(text);
  const wholes = new Set([digits, ...(normalized ? [numberDigits(normalized)] : [])]);
  return [...wholes].map((needle) => ({ field: 'number', needle, anchor: 'whole' }));
}
