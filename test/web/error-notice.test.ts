import { describe, expect, it, vi } from 'vitest';
import { StorageError } from '../../agent/errors.js';
import { browserSuite } from '../helpers/browser.js';

/** In Chromium: a failed htmx request shows the agent's notice above the page (app.js), and changes nothing else. */

const s = browserSuite();

describe('a failed htmx request', () => {
  it('deleting a client on a full disk says so above the results, and the row stays', async () => {
    const d = s.agent.services.directory;
    await d.createClient({ lastName: 'Meier', firstName: 'Eva' });
    const spy = vi.spyOn(d, 'deleteClient').mockRejectedValue(new StorageError('no space', true));
    const page = await s.browser.newPage();
    page.setDefaultTimeout(5000);
    try {
      await page.goto(`${s.url}/`);
      page.on('dialog', (dlg) => void dlg.accept());
      await page.click('#results tr:has-text("Meier") button.icon-danger');
      const notice = page.locator('#error-notice .notice[role="alert"]');
      await notice.waitFor();
      expect(await notice.locator('p').innerText()).toContain('Le disque de ce poste est plein');
      expect(await page.locator('#results tr:has-text("Meier")').count()).toBe(1);
      // closed with its button, as the scan notice is
      await notice.locator('button:has-text("Fermer")').click();
      await notice.waitFor({ state: 'detached' });
    } finally {
      spy.mockRestore();
      await page.close();
    }
  });
});
