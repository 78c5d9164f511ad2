/**
 * The page's two message catalogues (issue 9): the same keys, no empty text, the same {placeholders} in both,
 * Chinese in the Chinese one and none in the English one (except the switch back, which names Chinese in Chinese).
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../web/i18n/en.ts';
import { zh } from '../../web/i18n/zh.ts';

const HAN = /[\u3400-\u9fff]/;
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it('have text for every key and the same placeholders in both languages', () => {
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(zh[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
    }
  });

  it('speak Chinese in zh.ts and English in en.ts', () => {
    const englishWithHan = Object.entries(en).filter(([k, v]) => HAN.test(v) && k !== 'app.otherLanguage');
    expect(englishWithHan).toEqual([]);
    expect(en['app.otherLanguage']).toBe('中文');
    // Every Chinese text has Chinese in it, but for the switch (names English in English) and pure punctuation.
    const NOT_WORDS = ['app.otherLanguage', 'app.signedInAs', 'list.separator'];
    expect(Object.entries(zh).filter(([k, v]) => !HAN.test(v) && !NOT_WORDS.includes(k))).toEqual([]);
    expect(zh['app.otherLanguage']).toBe('English');
  });
});
