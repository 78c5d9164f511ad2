/**
 * What counts as a phone number the unit may dial on someone's behalf: digits with an optional leading `+`
 * (at most 20 digits). A caller's SIP address, or a typed call-back number, becomes one only when it is such a
 * number once visual separators are taken out; anything else (a SIP URI, letters, `*`/`#` codes) is no number.
 */
const DIALABLE = /^\+?[0-9]{1,20}$/;
/**
 * Visual separators that never change what is dialled: spaces, hyphens and dots. Parentheses are not among them:
 * "+49 (0) 30 …" would dial a trunk 0 that the written form means to leave out.
 */
const SEPARATORS = /[ \t.-]/g;

/** `text` as a dialable number (`+49 30 1234-567` -> `+49301234567`), or null when it is not one. */
export function dialableNumber(text: string): string | null {
  const bare = text.trim().replace(SEPARATORS, '');
  return DIALABLE.test(bare) ? bare : null;
}
