import type { AgentConfig } from '../config.js';
import { formatAmount, formatPercent, formatQuantity, formatTicketDateTime } from '../format.js';
import { formatPhone } from '../directory/normalize.js';
import type { ClientOut } from '../directory/schema.js';
import type { Block } from '../../drivers/printer/escpos.js';
import type { MonoImage } from '../../drivers/printer/raster.js';
import type { Preparation, Receipt } from './schema.js';

/**
 * The three tickets as blocks of paper: a receipt (ticket de caisse), a preparation ticket for the
 * kitchen or the bar, and a client's card. The same blocks become the printer's bytes and, read
 * back from those bytes, the preview.
 */

type Locale = AgentConfig['ui']['locale'];

const WORDS = {
  fr: { ticket: 'Ticket', total: 'TOTAL', vat: 'TVA', rate: 'Taux', base: 'Base', change: 'Rendu', order: 'Commande', table: 'Table', 'dine-in': 'Sur place', takeaway: 'À emporter', delivery: 'Livraison', client: 'Client', group: 'Groupe', account: 'No de compte', phone: 'Tél.', card: 'Carte client', discount: 'remise' },
  de: { ticket: 'Beleg', total: 'TOTAL', vat: 'MWST', rate: 'Satz', base: 'Basis', change: 'Rückgeld', order: 'Bestellung', table: 'Tisch', 'dine-in': 'Hier essen', takeaway: 'Zum Mitnehmen', delivery: 'Lieferung', client: 'Kunde', group: 'Gruppe', account: 'Kontonr.', phone: 'Tel.', card: 'Kundenkarte', discount: 'Rabatt' },
  en: { ticket: 'Receipt', total: 'TOTAL', vat: 'VAT', rate: 'Rate', base: 'Base', change: 'Change', order: 'Order', table: 'Table', 'dine-in': 'Eat in', takeaway: 'Takeaway', delivery: 'Delivery', client: 'Client', group: 'Group', account: 'Account no.', phone: 'Tel.', card: 'Client card', discount: 'discount' },
} as const;

/**
 * The client in Swiss address order: company, civility first last, street, NPA locality, the country
 * when it is not the shop's; the phone as the page shows it (`+41 79 555 00 12`, read in the shop's
 * country), so the kitchen calls the number that is meant.
 */
export function clientBlock(c: ClientOut, opts: { phone: boolean; country: string }): string[] {
  const person = [c.civility, c.firstName, c.lastName].filter(Boolean).join(' ');
  const a = c.address;
  return [
    c.kind === 'company' ? c.companyName : null,
    person || null,
    a.street,
    a.street2,
    [a.postalCode, a.city].filter(Boolean).join(' ') || null,
    a.country !== opts.country ? a.country : null,
    opts.phone && c.phone ? formatPhone(c.phone, opts.country) : null,
  ].filter((x): x is string => Boolean(x));
}

function header(shop: AgentConfig['shop']): Block[] {
  const out: Block[] = [];
  if (shop.name) out.push({ kind: 'text', text: shop.name, align: 'center', bold: true, size: 'large' });
  for (const line of shop.address) out.push({ kind: 'text', text: line, align: 'center' });
  if (shop.vatNumber) out.push({ kind: 'text', text: shop.vatNumber, align: 'center' });
  return out;
}

export function receiptBlocks(t: Receipt, shop: AgentConfig['shop'], locale: Locale, client: ClientOut | null, openDrawer: boolean, logo: MonoImage | null = null): Block[] {
  const w = WORDS[locale];
  const out: Block[] = [];
  if (openDrawer) out.push({ kind: 'drawer' }); // first: the drawer opens while the ticket prints
  if (logo) out.push({ kind: 'image', image: logo });
  out.push(...header(shop), { kind: 'feed', lines: 1 });
  out.push({ kind: 'pair', left: `${w.ticket} ${t.number}`, right: formatTicketDateTime(t.issuedAt) });
  if (client) {
    out.push({ kind: 'rule' });
    for (const line of clientBlock(client, { phone: false, country: shop.country })) out.push({ kind: 'text', text: line });
  }
  out.push({ kind: 'rule' });
  for (const l of t.lines) {
    out.push({ kind: 'pair', left: l.label, right: `${formatAmount(l.amount)}${l.vatCode ? ` ${l.vatCode}` : ''}` });
    if (l.quantity !== 1 && l.unitPrice !== undefined) out.push({ kind: 'text', text: `  ${formatQuantity(l.quantity)} x ${formatAmount(l.unitPrice)}` });
  }
  for (const d of t.discounts ?? []) out.push({ kind: 'pair', left: d.label, right: formatAmount(d.amount) });
  out.push({ kind: 'rule' });
  out.push({ kind: 'pair', left: `${w.total} ${t.currency}`, right: formatAmount(t.total), bold: true, size: 'tall' });
  for (const p of t.payments ?? []) out.push({ kind: 'pair', left: p.method, right: formatAmount(p.amount) });
  if (t.change !== undefined && t.change !== 0) out.push({ kind: 'pair', left: w.change, right: formatAmount(t.change) });
  if (t.vat?.length) {
    out.push({ kind: 'feed', lines: 1 });
    out.push({ kind: 'text', text: `${w.vat.padEnd(4)} ${w.rate.padStart(6)} ${w.base.padStart(9)} ${w.vat.padStart(8)}` });
    for (const v of t.vat) out.push({ kind: 'text', text: `${v.code.padEnd(4)} ${formatPercent(v.rate, { decimals: 1 }).padStart(6)} ${formatAmount(v.base).padStart(9)} ${formatAmount(v.amount).padStart(8)}` });
  }
  if (t.footer) out.push({ kind: 'feed', lines: 1 }, { kind: 'text', text: t.footer, align: 'center' });
  if (t.qr) out.push({ kind: 'feed', lines: 1 }, { kind: 'qr', data: t.qr });
  if (t.barcode) out.push({ kind: 'feed', lines: 1 }, { kind: 'barcode', data: t.barcode });
  out.push({ kind: 'cut' });
  return out;
}

export function preparationBlocks(t: Preparation, locale: Locale, client: ClientOut | null, country: string): Block[] {
  const w = WORDS[locale];
  const out: Block[] = [{ kind: 'text', text: `${w.order} ${t.number}`, align: 'center', bold: true, size: 'large' }];
  const where = [t.table ? `${w.table} ${t.table}` : null, t.mode ? w[t.mode] : null].filter(Boolean).join(' - ');
  if (where) out.push({ kind: 'text', text: where, align: 'center', bold: true, size: 'tall' });
  out.push({ kind: 'text', text: formatTicketDateTime(t.issuedAt), align: 'center' }, { kind: 'rule' });
  for (const l of t.lines) {
    out.push({ kind: 'text', text: `${formatQuantity(l.quantity)} x ${l.label}`, bold: true, size: 'tall' });
    for (const n of l.notes ?? []) out.push({ kind: 'text', text: `   - ${n}`, size: 'tall' });
  }
  if (t.note) out.push({ kind: 'rule' }, { kind: 'text', text: t.note, bold: true, size: 'tall' });
  if (client) {
    out.push({ kind: 'rule' });
    for (const line of clientBlock(client, { phone: true, country })) out.push({ kind: 'text', text: line, size: 'tall' });
  }
  out.push({ kind: 'cut' });
  return out;
}

export function clientCardBlocks(c: ClientOut, shop: AgentConfig['shop'], locale: Locale, logo: MonoImage | null = null): Block[] {
  const w = WORDS[locale];
  const out: Block[] = [...(logo ? [{ kind: 'image' as const, image: logo }] : []), { kind: 'text', text: shop.name || w.card, align: 'center', bold: true }, { kind: 'text', text: w.card, align: 'center' }, { kind: 'rule' }];
  const [first, ...rest] = clientBlock(c, { phone: false, country: shop.country });
  if (first) out.push({ kind: 'text', text: first, bold: true, size: 'tall' });
  for (const line of rest) out.push({ kind: 'text', text: line });
  if (c.phone) out.push({ kind: 'pair', left: w.phone, right: formatPhone(c.phone, shop.country) });
  if (c.group) out.push({ kind: 'pair', left: w.group, right: `${c.group.name} (${w.discount} ${formatPercent(c.group.discountPercent)})` });
  if (c.accountNumber) out.push({ kind: 'pair', left: w.account, right: c.accountNumber });
  if (c.reference) out.push({ kind: 'feed', lines: 1 }, { kind: 'barcode', data: c.reference });
  out.push({ kind: 'cut' });
  return out;
}

/** The test page: the printer's name, its width ruler, and a code page sample with accents and €. */
export function testPageBlocks(p: { id: string; name: string; width: number; codePage: string; transport: string }, shop: AgentConfig['shop'], at: Date): Block[] {
  const ruler = '1234567890'.repeat(Math.ceil(p.width / 10)).slice(0, p.width);
  return [
    { kind: 'text', text: 'TEST', align: 'center', bold: true, size: 'large' },
    { kind: 'text', text: `${p.name} (${p.id})`, align: 'center', bold: true },
    { kind: 'text', text: shop.name, align: 'center' },
    { kind: 'rule' },
    { kind: 'text', text: ruler },
    { kind: 'text', text: `${p.width} col. · ${p.transport} · ${p.codePage}` },
    { kind: 'text', text: 'àâçéèêëîïôùûüÿ ÀÂÇÉÈÊËÎÏÔÙÛÜ' },
    { kind: 'text', text: 'ÄÖÜäöüß €  12.50 CHF' },
    { kind: 'text', text: 'Double hauteur', size: 'tall' },
    { kind: 'pair', left: 'Gauche', right: "1'234.50" },
    { kind: 'text', text: at.toISOString().replace('T', ' ').slice(0, 16), align: 'right' },
    { kind: 'barcode', data: 'TEST-1234' },
    { kind: 'cut' },
  ];
}
