import type { FieldError } from '../../agent/errors.js';
import { de } from './de.js';
import { type Catalogue, fr } from './fr.js';
import { en } from './en.js';

/** The staff page's languages, one catalogue file each. */
export type Locale = 'fr' | 'de' | 'en';

const CATALOGUES: Record<Locale, Catalogue> = { fr, de, en };
export type MessageKey = keyof Catalogue;

/** The translator of a locale: t('directory.none', { q }) fills {q}. */
export function translator(locale: Locale): (key: MessageKey, vars?: Record<string, string | number>) => string {
  const cat = CATALOGUES[locale];
  return (key, vars) => cat[key].replace(/\{(\w+)\}/g, (m, name: string) => (vars && name in vars ? String(vars[name]) : m));
}

/** A rule error in the staff's language; the English message where the rule has no translation. */
export function ruleMessage(t: ReturnType<typeof translator>, error: FieldError): string {
  if (!error.code) return error.message;
  return t(`rule.${error.code}`, error.params);
}
