/** The message keys of the page's catalogues, for tests that look for a key shown instead of words. */
import { zh } from '../../web/i18n/zh.ts';

export const CATALOGUE_KEYS: readonly string[] = Object.keys(zh);
