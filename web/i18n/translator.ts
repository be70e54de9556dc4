import type { Locale } from '../../agent/config.js';
import type { FieldError } from '../../agent/errors.js';
import { type Coded, isJobErrorCode, isJobWarningCode, type Notice } from '../../agent/printing/notices.js';
import { de } from './de.js';
import { type Catalogue, fr } from './fr.js';
import { en } from './en.js';

/** The staff page's languages (ui.locale), one catalogue file each. */
export type { Locale };

const CATALOGUES: Record<Locale, Catalogue> = { fr, de, en };
export type MessageKey = keyof Catalogue;

/** The translator of a locale: t('directory.none', { q }) fills {q}. */
export function translator(locale: Locale): (key: MessageKey, vars?: Record<string, string | number>) => string {
  const cat = CATALOGUES[locale];
  return (key, vars) => cat[key].replace(/\{(\w+)\}/g, (m, name: string) => (vars && name in vars ? String(vars[name]) : m));
}

/** A rule error in the staff's language; the English message where the rule has no translation. */
export function ruleMessage(t: Translate, error: FieldError): string {
  if (!error.code) return error.message;
  return t(`rule.${error.code}`, error.params);
}

type Translate = ReturnType<typeof translator>;

/** A job's error in the staff's language; its English text where its code is unknown here (or it kept none). */
export function jobErrorText(t: Translate, error: Notice): string {
  return codedError(t, error.coded) ?? error.text;
}

function codedError(t: Translate, coded: Coded['cause'] | Coded | null): string | null {
  if (!coded || !isJobErrorCode(coded.code)) return null;
  if (coded.code !== 'moved') return t(`job.error.${coded.code}`, coded.params);
  // moved to the fallback printer: why comes first, and it must be known too
  const reason = 'cause' in coded ? codedError(t, coded.cause ?? null) : null;
  return reason === null ? null : t('job.error.moved', { ...coded.params, reason });
}

/** A job's warning in the staff's language; its English text where its code is unknown here (or it kept none). */
export function jobWarningText(t: Translate, warning: Notice): string {
  const coded = warning.coded;
  if (!coded || !isJobWarningCode(coded.code)) return warning.text;
  return t(`job.warning.${coded.code}`, coded.params);
}
