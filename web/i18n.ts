/**
 * Every string of the staff page, in one catalogue: French (default), German, English. A key
 * missing in a language is a type error, so a new string cannot ship half translated.
 */
export type Locale = 'fr' | 'de' | 'en';

const fr = {
  'client.title': 'Fiche client',
  'client.back': '← Répertoire',
  'client.kind.person': 'Personne physique',
  'client.kind.company': 'Personne morale',
  'client.contact': 'Personne de contact',
  'client.address': 'Adresse',
  'client.phone': 'Téléphone',
  'client.email': 'E-mail',
  'client.reference': 'Référence (carte de fidélité)',
  'client.account': 'Numéro de compte',
  'client.group': 'Groupe',
  'client.groupNone': 'Aucun groupe',
  'client.discount': 'remise automatique {p} %',
  'client.balances': 'Soldes (lecture seule)',
  'client.accountBalance': 'Compte',
  'client.walletBalance': 'Cagnotte',
  'client.notes': 'Remarques',
  'client.notFound': 'Ce client n’existe pas (ou plus).',
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
  'client.title': 'Kundenkarte',
  'client.back': '← Verzeichnis',
  'client.kind.person': 'Natürliche Person',
  'client.kind.company': 'Juristische Person',
  'client.contact': 'Kontaktperson',
  'client.address': 'Adresse',
  'client.phone': 'Telefon',
  'client.email': 'E-Mail',
  'client.reference': 'Referenz (Kundenkarte)',
  'client.account': 'Kontonummer',
  'client.group': 'Gruppe',
  'client.groupNone': 'Keine Gruppe',
  'client.discount': 'automatischer Rabatt {p} %',
  'client.balances': 'Salden (nur lesen)',
  'client.accountBalance': 'Konto',
  'client.walletBalance': 'Guthaben',
  'client.notes': 'Bemerkungen',
  'client.notFound': 'Diesen Kunden gibt es nicht (mehr).',
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
  'client.title': 'Client',
  'client.back': '← Directory',
  'client.kind.person': 'Person',
  'client.kind.company': 'Company',
  'client.contact': 'Contact person',
  'client.address': 'Address',
  'client.phone': 'Phone',
  'client.email': 'E-mail',
  'client.reference': 'Reference (loyalty card)',
  'client.account': 'Account number',
  'client.group': 'Group',
  'client.groupNone': 'No group',
  'client.discount': 'automatic discount {p} %',
  'client.balances': 'Balances (read-only)',
  'client.accountBalance': 'Account',
  'client.walletBalance': 'Wallet',
  'client.notes': 'Notes',
  'client.notFound': 'This client does not exist (any more).',
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

/**
 * An amount in minor units as the shop writes it, in every language: `1'234.50` (Swiss style,
 * with a plain apostrophe; Intl gives a typographic one that tills and receipts do not use).
 */
export function formatMoney(minor: number, currency = 'CHF'): string {
  const sign = minor < 0 ? '−' : '';
  const abs = Math.abs(Math.trunc(minor));
  const units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, "'");
  return `${currency} ${sign}${units}.${String(abs % 100).padStart(2, '0')}`;
}
