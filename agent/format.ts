/**
 * Numbers, amounts, percentages, dates and times as a Swiss shop writes them, for the staff pages
 * and the printed tickets alike: 100'000, 1'234.50, 12.5 %, 27.11.2026 10:15.
 */

/** The shop's clock: the till PC's time zone (Europe/Zurich in a Swiss shop). */
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A count as the Swiss write it: 100'000 (a plain apostrophe; Intl gives a typographic one that tills and receipts do not use). */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, "'");
}

/**
 * Centimes as the Swiss write them: 1'234.50. `minus` starts a negative amount: '-' on paper
 * (plain ASCII: every code page has it), '−' on screen.
 */
export function formatAmount(minor: number, minus = '-'): string {
  const sign = minor < 0 ? minus : '';
  const abs = Math.abs(Math.trunc(minor));
  return `${sign}${formatCount(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

/** An amount with its currency, as the staff pages show it in every language: CHF 1'234.50, CHF −12.00. */
export function formatMoney(minor: number, currency = 'CHF'): string {
  return `${currency} ${formatAmount(minor, '−')}`;
}

/** A quantity: whole as is, otherwise up to 3 decimals (0.25 kg, 1.5). */
export function formatQuantity(q: number): string {
  return Number.isInteger(q) ? String(q) : q.toFixed(3).replace(/0+$/, '');
}

/** A percentage: 12.5% on paper; `spaced` gives the screen's 12.5 %; `decimals` fixes them (a VAT rate: 8.1%). */
export function formatPercent(p: number, opts: { decimals?: number; spaced?: boolean } = {}): string {
  return `${opts.decimals === undefined ? String(p) : p.toFixed(opts.decimals)}${opts.spaced ? ' %' : '%'}`;
}

/** A date and time as staff read it in their language, in Swiss usage: 27.11.2026, 10:15. */
export function formatDateTime(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(`${lang}-CH`, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(d);
}

/** A time of day as staff read it: 10:15. */
export function formatTime(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(`${lang}-CH`, { timeStyle: 'short', timeZone: TIME_ZONE }).format(d);
}

/**
 * Date and time as printed on Swiss tickets: 27.11.2026 10:15. The till's own wall-clock time when
 * it sent one with an offset ("10:15:00+01:00" prints 10:15 wherever the agent's clock is set);
 * a UTC time is shown in the agent's time zone.
 */
export function formatTicketDateTime(iso: string): string {
  const local = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?[+-]\d{2}:?\d{2}$/.exec(iso);
  if (local) return `${local[3]}.${local[2]}.${local[1]} ${local[4]}:${local[5]}`;
  const parts = new Intl.DateTimeFormat('de-CH', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('day')}.${get('month')}.${get('year')} ${get('hour')}:${get('minute')}`;
}
