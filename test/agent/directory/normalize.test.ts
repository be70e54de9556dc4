import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { describe, expect, it } from 'vitest';
import { fold, foldGerman, formatPhone, isPhoneLike, phoneForms, splitWords } from '../../../agent/directory/normalize.js';

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
  it('indexes the international digits, the national 0… form and the subscriber number (endings of 6+ digits), read as one number however typed', () => {
    const forms = ['41791234567', '0791234567', '791234567', '91234567', '1234567', '234567'];
    expect(phoneForms('+41 79 123 45 67')).toEqual(forms);
    expect(phoneForms('0041 79 123 45 67')).toEqual(forms);
    expect(phoneForms('079 123 45 67')).toEqual(forms); // the shop's country (CH) by default
    expect(phoneForms('06 12 34 56 78', 'FR')).toEqual(['33612345678', '0612345678', '612345678', '12345678', '2345678', '345678']);
    expect(phoneForms('+33 6 12 34 56 78')).toEqual(phoneForms('06 12 34 56 78', 'FR'));
    // a number the library says is impossible: its digits as typed
    expect(phoneForms('12')).toEqual(['12']);
    expect(phoneForms('')).toEqual([]);
  });

  it('reads Swiss numbers without the library (for speed) exactly as the library would', () => {
    for (const n of ['+41 79 555 00 12', '0041 21 801 00 00', '022 700 00 00', '+41(0)79 555 00 12', '079.555.00.12', '0795550012', '058 123 45 67', '079 555 00 1', '+41 79 555 00 123']) {
      const p = parsePhoneNumberFromString(n, 'CH');
      const byLibrary = p?.isPossible()
        ? [...new Set([p.number.slice(1), p.formatNational().replace(/\D/g, ''), ...Array.from({ length: p.nationalNumber.length - 5 }, (_, i) => p.nationalNumber.slice(i))])]
        : null;
      if (byLibrary) expect([n, phoneForms(n)]).toEqual([n, byLibrary]);
      else expect([n, phoneForms(n)[0]]).toEqual([n, n.replace(/\D/g, '')]); // impossible: its digits as typed
    }
  });

  it('shows a number in its international form; an impossible one as typed', () => {
    expect(formatPhone('0795550012')).toBe('+41 79 555 00 12');
    expect(formatPhone('0041 21 801 00 00')).toBe('+41 21 801 00 00');
    expect(formatPhone('06 12 34 56 78', 'FR')).toBe('+33 6 12 34 56 78');
    expect(formatPhone('555')).toBe('555');
  });

  it('recognises a query typed like a phone number', () => {
    expect(isPhoneLike('079 123')).toBe(true);
    expect(isPhoneLike('+41 79')).toBe(true);
    expect(isPhoneLike('1204')).toBe(false);
    expect(isPhoneLike('rue 12')).toBe(false);
  });
});
