/**
 * Every string of the staff page, in one catalogue: French (default), German, English. A key
 * missing in a language is a type error, so a new string cannot ship half translated.
 */
export type Locale = 'fr' | 'de' | 'en';

const fr = {
  'login.title': 'Connexion',
  'login.pin': 'Code du personnel',
  'login.submit': 'Ouvrir',
  'login.wrong': 'Code incorrect. Réessayez.',
  'login.locked': 'Trop d’essais. Réessayez dans {s} secondes.',
  'nav.logout': 'Quitter',
  'nav.directory': 'Répertoire',
  'directory.title': 'Clients — Répertoire',
  'directory.search': 'Rechercher un client',
  'directory.searchHint': 'Nom, prénom, société, localité, téléphone, référence…',
  'directory.searching': 'Recherche…',
  'directory.col.name': 'Nom',
  'directory.col.city': 'Localité',
  'directory.col.phone': 'Téléphone',
  'directory.col.reference': 'Référence',
  'directory.col.group': 'Groupe',
  'directory.none': 'Aucun client ne correspond à « {q} ».',
  'directory.empty': 'Le répertoire est vide.',
  'directory.more': 'Plus de résultats',
  'directory.count': '{n} clients au répertoire',
};
type Catalogue = Record<keyof typeof fr, string>;

const de: Catalogue = {
  'login.title': 'Anmelden',
  'login.pin': 'Personalcode',
  'login.submit': 'Öffnen',
  'login.wrong': 'Falscher Code. Bitte erneut versuchen.',
  'login.locked': 'Zu viele Versuche. Bitte in {s} Sekunden erneut versuchen.',
  'nav.logout': 'Abmelden',
  'nav.directory': 'Kundenverzeichnis',
  'directory.title': 'Kunden — Verzeichnis',
  'directory.search': 'Kunde suchen',
  'directory.searchHint': 'Name, Vorname, Firma, Ort, Telefon, Referenz…',
  'directory.searching': 'Suche…',
  'directory.col.name': 'Name',
  'directory.col.city': 'Ort',
  'directory.col.phone': 'Telefon',
  'directory.col.reference': 'Referenz',
  'directory.col.group': 'Gruppe',
  'directory.none': 'Kein Kunde passt zu «{q}».',
  'directory.empty': 'Das Verzeichnis ist leer.',
  'directory.more': 'Weitere Ergebnisse',
  'directory.count': '{n} Kunden im Verzeichnis',
};

const en: Catalogue = {
  'login.title': 'Sign in',
  'login.pin': 'Staff code',
  'login.submit': 'Open',
  'login.wrong': 'Wrong code. Try again.',
  'login.locked': 'Too many tries. Try again in {s} seconds.',
  'nav.logout': 'Sign out',
  'nav.directory': 'Directory',
  'directory.title': 'Clients — Directory',
  'directory.search': 'Find a client',
  'directory.searchHint': 'Name, first name, company, city, phone, reference…',
  'directory.searching': 'Searching…',
  'directory.col.name': 'Name',
  'directory.col.city': 'City',
  'directory.col.phone': 'Phone',
  'directory.col.reference': 'Reference',
  'directory.col.group': 'Group',
  'directory.none': 'No client matches “{q}”.',
  'directory.empty': 'The directory is empty.',
  'directory.more': 'More results',
  'directory.count': '{n} clients in the directory',
};

const CATALOGUES: Record<Locale, Catalogue> = { fr, de, en };
export type MessageKey = keyof Catalogue;

/** The translator of a locale: t('directory.none', { q }) fills {q}. */
export function translator(locale: Locale): (key: MessageKey, vars?: Record<string, string | number>) => string {
  const cat = CATALOGUES[locale];
  return (key, vars) => cat[key].replace(/\{(\w+)\}/g, (m, name: string) => (vars && name in vars ? String(vars[name]) : m));
}

/** Swiss number formatting per locale (1'234 in all three Swiss languages' conventions here). */
export function formatCount(n: number, locale: Locale): string {
  return new Intl.NumberFormat(`${locale}-CH`).format(n);
}
