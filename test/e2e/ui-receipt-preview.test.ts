import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { browserSuite, screenshotPath } from '../helpers/browser.js';
import { TEST_TOKEN } from '../helpers/config.js';
import { until } from '../helpers/until.js';

/**
 * A receipt with the logo, a QR code, a barcode and lines in Cyrillic and Arabic, previewed in
 * Chromium from its bytes, on 80 and 58 mm paper: a page in the staff's language that axe-core
 * finds nothing wrong with.
 */

let logo = '';
const s = browserSuite({
  beforeStart: async (dir) => {
    // a logo: a black frame and a bar, on transparent paper
    const png = new PNG({ width: 480, height: 120 });
    for (let y = 0; y < 120; y++) for (let x = 0; x < 480; x++) {
      const ink = x < 8 || x > 471 || y < 8 || y > 111 || (y > 50 && y < 70 && x > 60 && x < 420);
      png.data.set(ink ? [20, 20, 20, 255] : [0, 0, 0, 0], (y * 480 + x) * 4);
    }
    logo = path.join(dir, 'logo.png');
    writeFileSync(logo, PNG.sync.write(png));
  },
  config: () => ({
    shop: { name: 'Boulangerie du Lac', address: ['Rue du Lac 1', '1003 Lausanne'], logo },
    printers: [
      { id: 'front', name: 'Caisse', profile: 'generic-80mm', roles: ['receipt'], transport: { type: 'virtual' } },
      { id: 'small', name: 'Mobile', profile: 'generic-58mm', transport: { type: 'virtual' } },
    ],
  }),
});

const ticket = {
  number: '2026-000123',
  issuedAt: '2026-12-02T10:15:00+01:00',
  currency: 'CHF',
  lines: [
    { label: 'Café crème', quantity: 2, unitPrice: 420, amount: 840 },
    { label: 'Tresse au beurre', quantity: 1, amount: 690 },
    { label: 'Борщ', quantity: 1, amount: 1250 },
    { label: 'شاي بالنعناع', quantity: 1, amount: 450 },
  ],
  total: 3230,
  payments: [{ method: 'Espèces', amount: 2000 }],
  change: 470,
  footer: 'Merci de votre visite !\nÀ bientôt',
  qr: 'https://kleek.example/r/2026-000123',
  barcode: '2026000123',
};

describe('receipt preview', () => {
  for (const [printer, dots] of [['front', 576], ['small', 384]] as const) {
    it(`${printer}: the logo, the QR code and the barcode drawn from the bytes, nothing unknown (${dots} dots)`, async () => {
      const res = await fetch(`${s.url}/api/v1/print`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'receipt', printer, ticket }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      await until('printed', () => s.agent.services.jobs.get(id)?.status === 'done');
      // axe-core is added as a script: the context bypasses the page's own policy (which allows no script)
      const context = await s.browser.newContext({ viewport: { width: 800, height: 1200 }, bypassCSP: true });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${s.url}/jobs/${id}/preview`);
      const name = printer === 'front' ? 'Caisse' : 'Mobile';
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      expect(await page.title()).toBe(`Aperçu — Ticket de caisse 2026-000123, imprimante ${name}`);
      expect(await page.locator('main h1').innerText()).toBe(await page.title());
      expect(await page.locator('main .paper .cut').innerText()).toBe('coupe');
      expect(await page.locator('.img img').first().getAttribute('alt')).toBe('image imprimée');
      // the logo is decoded and shown (the page's own CSP lets its data: image through)
      const shown = await page.locator('.img img').first().evaluate((img: HTMLImageElement) => ({ natural: img.naturalWidth, complete: img.complete }));
      expect(shown).toEqual({ natural: dots, complete: true });
      await page.locator('svg[aria-label="Code QR : https://kleek.example/r/2026-000123"]').waitFor();
      await page.locator('svg[aria-label="Code-barres CODE128 : 2026000123"]').waitFor();
      expect(await page.locator('.unknown').count()).toBe(0);
      // the logo, then the two lines in scripts the code page lacks, as images of the lines
      expect(await page.locator('.img img').count()).toBe(2);
      expect(await page.locator('.paper').innerText()).not.toContain('?');
      const text = await page.locator('.paper').innerText();
      expect(text).toContain('Merci de votre visite !\nÀ bientôt');
      await page.screenshot({ path: screenshotPath(`receipt-preview-${printer}`), fullPage: true });
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  }
});
