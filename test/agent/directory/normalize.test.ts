import { describe, expect, it } from 'vitest';
import { fold, foldGerman, isPhoneLike, phoneForms, splitWords } from '../../../agent/directory/normalize.js';

describe('fold', () => {
  it.each([
    ['Hélène', 'helene'],
    ['HÉLÈNE', 'helene'],
    ['Zürich', 'zurich'],
    ['Müller', 'muller'],
    ['Françoise', 'francoise'],
    ['Œuvre', 'oeuvre'],
    ['Straße', 'strasse'],
    ['Łódź', 'lodz'],
    ['Gençay', 'gencay'],
    ['plain ascii', 'plain ascii'],
  ])('%s → %s', (input, expected) => {
    expect(fold(input)).toBe(expected);
  });

  it('German transliteration writes umlauts as two letters', () => {
    expect(foldGerman('Müller')).toBe('mueller');
    expect(foldGerman('Jäggi Köhler')).toBe('jaeggi koehler');
    expect(foldGerman('Hélène')).toBe('helene');
  });
});

describe('splitWords', () => {
  it('splits on anything that is not a letter or digit', () => {
    expect(splitWords(fold("Jean-Pierre d'Alembert, Rue du Rhône 12"))).toEqual(['jean', 'pierre', 'd', 'alembert', 'rue', 'du', 'rhone', '12']);
  });
});

describe('phone numbers', () => {
  it('indexes the international digits and the national 0… form', () => {
    expect(phoneForms('+41 22 000 00 00')).toEqual(['41220000000', '0220000000']);
    expect(phoneForms('0041 79 123 45 67')).toEqual(['41791234567', '0791234567']);
    expect(phoneForms('079 123 45 67')).toEqual(['0791234567']);
    expect(phoneForms('')).toEqual([]);
  });

  it('recognises a query typed like a phone number', () => {
    expect(isPhoneLike('079 123')).toBe(true);
    expect(isPhoneLike('+41 79')).toBe(true);
    expect(isPhoneLike('1204')).toBe(false);
    expect(isPhoneLike('rue 12')).toBe(false);
  });
});
