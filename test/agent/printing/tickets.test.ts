import { describe, expect, it } from 'vitest';
import { decode, printedText } from '../../../drivers/printer/decode.js';
import { agentPerTest } from '../../helpers/agent.js';

/** Tickets through the till's API, read back from the bytes by the project's decoder. */

const open = agentPerTest();

const receipt = {
  number: '2026-000123',
  issuedAt: '2026-11-27T10:15:00+01:00',
  currency: 'CHF',
  lines: [
    { label: 'Café crème', quantity: 2, unitPrice: 420, amount: 840, vatCode: 'A' },
    { label: 'Tresse au beurre 500 g', quantity: 1, unitPrice: 129000, amount: 129000, vatCode: 'B' },
  ],
  discounts: [{ label: 'Remise VIP 10%', amount: -84 }],
  total: 129756,
  vat: [{ code: 'A', rate: 8.1, base: 699, amount: 57 }],
  payments: [{ method: 'Espèces', amount: 130000 }],
  change: 244,
  footer: 'Merci de votre visite !',
  barcode: '2026000123',
};

async function setup(width = 48) {
  const t = await open({ config: { printers: [{ id: 'front', name: 'Caisse', roles: ['receipt', 'client', 'preparation'], width, transport: { type: 'virtual' } }] } });
  const d = t.agent.services.directory;
  const vip = await d.createGroup({ name: 'VIP', discountPercent: 10 });
  const company = await d.createClient({
    kind: 'company', companyName: 'Garage du Lac Sàrl', civility: 'M.', firstName: 'Luc', lastName: 'Favre', phone: '+41 21 801 00 00',
    address: { street: 'Grand-Rue 12', street2: 'Case postale 4', postalCode: '74100', city: 'Annemasse', country: 'FR' },
    reference: 'CARD-000123', accountNumber: '1100.00042', groupId: vip.id,
  });
  const person = await d.createClient({ civility: 'Mme', firstName: 'Hélène', lastName: 'Müller', address: { street: 'Rue du Lac 1', postalCode: '1003', city: 'Lausanne' }, phone: '0791234567' });
  return { t, company, person };
}

/** The preview is drawn from the decoded bytes: rendering the bytes ourselves gives the same lines. */
async function paper(t: Awaited<ReturnType<typeof open>>, body: unknown) {
  const res = await t.api('/api/v1/preview', { method: 'POST', json: body });
  return { res, html: await res.text() };
}

describe('tickets', () => {
  it('a receipt: header, lines, discount, total, payments, change, VAT table, footer, barcode, Swiss amounts', async () => {
    const { t } = await setup(42);
    const { renderRequest } = await import('../../../agent/printing/render.js');
    const r = renderRequest({ type: 'receipt', ticket: receipt }, t.agent.config, t.agent.services.directory);
    const lines = printedText(decode(r.bytes));
    expect(lines.slice(0, 3)).toEqual(['Boulangerie du Lac', 'Rue du Lac 1', '1003 Lausanne']);
    expect(lines).toContain(`Ticket 2026-000123${' '.repeat(42 - 18 - 16)}27.11.2026 10:15`);
    expect(lines).toContain(`Café crème${' '.repeat(42 - 10 - 6)}8.40 A`);
    expect(lines).toContain('  2 x 4.20');
    expect(lines).toContain(`Tresse au beurre 500 g${' '.repeat(42 - 22 - 10)}1'290.00 B`);
    expect(lines).toContain(`Remise VIP 10%${' '.repeat(42 - 14 - 5)}-0.84`);
    expect(lines.some((l) => /^Espèces +1'300\.00$/.test(l))).toBe(true);
    expect(lines.some((l) => /^Rendu +2\.44$/.test(l))).toBe(true);
    expect(lines).toContain('TVA    Taux      Base      TVA');
    expect(lines).toContain('A      8.1%      6.99     0.57');
    expect(lines).toContain('Merci de votre visite !');
    const items = decode(r.bytes);
    const total = items.find((x) => x.kind === 'line' && x.text.startsWith('TOTAL CHF'));
    expect(total).toEqual({ kind: 'line', text: `TOTAL CHF${' '.repeat(42 - 9 - 8)}1'297.56`, align: 'left', bold: true, size: 'tall' });
    expect(items.filter((x) => x.kind === 'barcode')).toEqual([{ kind: 'barcode', data: '2026000123', symbol: { symbology: 'code128', parts: [{ set: 'C', digits: '2026000123' }] } }]);
    expect(items.filter((x) => x.kind === 'drawer')).toEqual([]);
    expect(items.at(-3)).toEqual({ kind: 'cut', partial: false });
  });

  it('a receipt\'s qr prints as a QR code after the footer, whose line break is a line; a qr with control characters is refused', async () => {
    const { t } = await setup();
    const ticket = { ...receipt, footer: 'Merci de votre visite !\nÀ bientôt', qr: 'https://kleek.example/r/2026-000123' };
    const { renderRequest } = await import('../../../agent/printing/render.js');
    const items = decode(renderRequest({ type: 'receipt', ticket }, t.agent.config, t.agent.services.directory).bytes);
    const lines = printedText(items);
    expect(lines.slice(lines.indexOf('Merci de votre visite !'), lines.indexOf('Merci de votre visite !') + 2)).toEqual(['Merci de votre visite !', 'À bientôt']);
    expect(items.filter((x) => x.kind === 'qr')).toEqual([{ kind: 'qr', data: 'https://kleek.example/r/2026-000123', cell: 7 }]);
    const { res, html } = await paper(t, { type: 'receipt', ticket });
    expect(res.status).toBe(200);
    expect(html).toContain('aria-label="QR https://kleek.example/r/2026-000123"');
    const bad = await t.api('/api/v1/preview', { method: 'POST', json: { type: 'receipt', ticket: { ...receipt, qr: 'a\u001bb' } } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('ticket.qr');
  });

  it('a barcode too long for 58 mm paper prints as a QR code, and the job says so to the till and on the printers page', async () => {
    const { t } = await setup(32);
    const long = 'REF-ABCDEFGHIJ-KLMNOP';
    const res = await t.api('/api/v1/print', { method: 'POST', json: { type: 'receipt', ticket: { ...receipt, barcode: long } } });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string; warnings: string[] };
    expect(job.warnings).toEqual([`the barcode "${long}" is too long for this paper: printed as a QR code`]);
    // the page says it in the staff's language (French here)
    const page = await (await t.api('/printers', { headers: { accept: 'text/html' } })).text();
    expect(page).toContain(`Le code-barres « ${long} » est trop long pour ce papier : imprimé en code QR`);
  });

  it('openDrawer gives exactly one pulse, before the ticket', async () => {
    const { t } = await setup();
    const { renderRequest } = await import('../../../agent/printing/render.js');
    const r = renderRequest({ type: 'receipt', openDrawer: true, ticket: receipt }, t.agent.config, t.agent.services.directory);
    const items = decode(r.bytes);
    expect(items.filter((x) => x.kind === 'drawer')).toHaveLength(1);
    expect(items.findIndex((x) => x.kind === 'drawer')).toBeLessThan(items.findIndex((x) => x.kind === 'line'));
  });

  it('fits 32, 42 and 48 columns', async () => {
    for (const width of [32, 42, 48]) {
      const { t, company } = await setup(width);
      const { renderRequest } = await import('../../../agent/printing/render.js');
      for (const req of [
        { type: 'receipt' as const, client: { id: company.id }, ticket: receipt },
        { type: 'client' as const, client: { id: company.id } },
      ]) {
        for (const x of decode(renderRequest(req, t.agent.config, t.agent.services.directory).bytes)) {
          if (x.kind === 'line') expect([width, x.text, x.text.length <= (x.size === 'large' ? width / 2 : width)]).toEqual([width, x.text, true]);
        }
      }
      await t.close();
    }
  });

  it('the client block in Swiss address order: company, civility first last, street, NPA locality, country if not CH', async () => {
    const { t, company, person } = await setup();
    const { renderRequest } = await import('../../../agent/printing/render.js');
    const onReceipt = printedText(decode(renderRequest({ type: 'receipt', client: { reference: 'CARD-000123' }, ticket: receipt }, t.agent.config, t.agent.services.directory).bytes));
    const at = onReceipt.indexOf('Garage du Lac Sàrl');
    expect(onReceipt.slice(at, at + 6)).toEqual(['Garage du Lac Sàrl', 'M. Luc Favre', 'Grand-Rue 12', 'Case postale 4', '74100 Annemasse', 'FR']);
    const swiss = printedText(decode(renderRequest({ type: 'receipt', client: { id: person.id }, ticket: receipt }, t.agent.config, t.agent.services.directory).bytes));
    const p = swiss.indexOf('Mme Hélène Müller');
    expect(swiss.slice(p, p + 3)).toEqual(['Mme Hélène Müller', 'Rue du Lac 1', '1003 Lausanne']);
    expect(swiss).not.toContain('CH');
    expect(company.id).toBeTruthy();
  });

  it('in a French shop the French address has no country line, a Swiss one says CH, and a phone without a prefix is read as French', async () => {
    const t = await open({ config: { shop: { name: 'Boulangerie', country: 'FR' }, printers: [{ id: 'front', name: 'Caisse', roles: ['receipt', 'preparation'], width: 48, transport: { type: 'virtual' } }] } });
    const d = t.agent.services.directory;
    const fr = await d.createClient({ civility: 'M.', firstName: 'Paul', lastName: 'Martin', phone: '06 12 34 56 78', address: { postalCode: '74100', city: 'Annemasse', country: 'FR' } });
    const ch = await d.createClient({ civility: 'Mme', firstName: 'Anne', lastName: 'Rochat', address: { postalCode: '1204', city: 'Genève', country: 'CH' } });
    const { renderRequest } = await import('../../../agent/printing/render.js');
    const prep = (id: string) => printedText(decode(renderRequest({ type: 'preparation', client: { id }, ticket: { number: '7', issuedAt: '2026-11-27T10:15:00+01:00', lines: [{ label: 'Baguette', quantity: 1 }] } }, t.agent.config, d).bytes));
    const onFr = prep(fr.id);
    expect(onFr.slice(onFr.indexOf('M. Paul Martin'))).toEqual(expect.arrayContaining(['74100 Annemasse', '+33 6 12 34 56 78']));
    expect(onFr).not.toContain('FR');
    const onCh = prep(ch.id);
    expect(onCh.slice(onCh.indexOf('Mme Anne Rochat'), onCh.indexOf('Mme Anne Rochat') + 3)).toEqual(['Mme Anne Rochat', '1204 Genève', 'CH']);
  });

  it('a preparation ticket: large, no prices, table and mode, notes, the client with phone and address for delivery', async () => {
    const { t, person } = await setup();
    const { renderRequest } = await import('../../../agent/printing/render.js');
    const r = renderRequest(
      {
        type: 'preparation',
        client: { id: person.id },
        ticket: { number: '42', issuedAt: '2026-11-27T10:15:00+01:00', table: '12', mode: 'delivery', lines: [{ label: 'Pizza Margherita', quantity: 2, notes: ['sans olives'] }], note: 'Allergie: noix' },
      },
      t.agent.config,
      t.agent.services.directory,
    );
    const items = decode(r.bytes).filter((x) => x.kind === 'line' && x.text.trim());
    expect(items[0]).toMatchObject({ text: 'Commande 42', size: 'large', align: 'center' });
    expect(items.map((x) => (x.kind === 'line' ? x.text : ''))).toEqual(
      expect.arrayContaining(['Table 12 - Livraison', '2 x Pizza Margherita', '   - sans olives', 'Allergie: noix', 'Mme Hélène Müller', 'Rue du Lac 1', '1003 Lausanne', '+41 79 123 45 67']),
    );
    expect(items.find((x) => x.kind === 'line' && x.text === '2 x Pizza Margherita')).toMatchObject({ size: 'tall', bold: true });
    expect(printedText(decode(r.bytes)).some((l) => /\d\.\d\d\b/.test(l) && !/\d\d\.\d\d\.\d{4}/.test(l))).toBe(false); // no prices
  });

  it('a client card: name, address, phone, group with its discount, account number, reference as CODE128', async () => {
    const { t, company } = await setup();
    const { renderRequest } = await import('../../../agent/printing/render.js');
    const items = decode(renderRequest({ type: 'client', client: { id: company.id } }, t.agent.config, t.agent.services.directory).bytes);
    const lines = printedText(items);
    expect(lines).toEqual(expect.arrayContaining(['Garage du Lac Sàrl', 'M. Luc Favre', '74100 Annemasse']));
    expect(lines.some((l) => /^Tél\. +\+41 21 801 00 00$/.test(l))).toBe(true);
    expect(lines.some((l) => /^Groupe +VIP \(remise 10%\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /^No de compte +1100\.00042$/.test(l))).toBe(true);
    expect(items.filter((x) => x.kind === 'barcode')).toEqual([{ kind: 'barcode', data: 'CARD-000123', symbol: { symbology: 'code128', parts: [{ set: 'B', text: 'CARD-' }, { set: 'C', digits: '000123' }] } }]);
  });
});

describe('POST /api/v1/preview', () => {
  it('returns the paper as HTML, names as text, nothing printed', async () => {
    const { t } = await setup();
    await t.agent.services.directory.createClient({ lastName: '<script>alert(1)</script>', firstName: 'Eve', reference: 'EVIL' });
    const { res, html } = await paper(t, { type: 'client', client: { reference: 'EVIL' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('Eve &#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('width:48ch');
    expect(html).toContain('class="bc"');
  });

  it('422 for an unknown client, an unknown printer, or an amount that is not whole centimes', async () => {
    const { t } = await setup();
    const problem = async (body: unknown) => {
      const { res, html } = await paper(t, body);
      return [res.status, (JSON.parse(html) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)];
    };
    expect(await problem({ type: 'client', client: { id: 'nope' } })).toEqual([422, ['client.id']]);
    expect(await problem({ type: 'receipt', printer: 'kitchen', ticket: receipt })).toEqual([422, ['printer']]);
    expect(await problem({ type: 'receipt', ticket: { ...receipt, lines: [{ label: 'x', quantity: 1, amount: 12.5 }] } })).toEqual([422, ['ticket.lines.0.amount']]);
  });

  it('needs the print scope', async () => {
    const t = await open({ config: { api: { tokens: [{ name: 'reader', token: 'r'.repeat(32), scopes: ['directory:read'] }] } } });
    const res = await t.api('/api/v1/preview', { method: 'POST', json: { type: 'receipt', ticket: receipt }, headers: { authorization: `Bearer ${'r'.repeat(32)}` } });
    expect(res.status).toBe(403);
  });
});
