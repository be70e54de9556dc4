import { describe, expect, it } from 'vitest';
import { browserSuite, screenshotPath } from '../helpers/browser.js';
import { tempDir } from '../helpers/config.js';
import { ptyPair } from '../helpers/pty.js';

/** A serial scanner (a socat pty) driving the staff page in Chromium: status on the settings page, a scan opening the client. */

const ptyDir = tempDir('scanner-pty-');
const s = browserSuite({
  config: { scanners: [{ id: 'entree', name: 'Douchette entrée', transport: { type: 'serial', path: `${ptyDir}/scanner-app` } }] },
});

describe('serial scanner on the staff page', () => {
  it('shows the scanner waiting, then ready once plugged in, live; a scan opens the client', async () => {
    const anne = await s.agent.services.directory.createClient({ lastName: 'Rochat', firstName: 'Anne', reference: '7612345000015' });
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(10_000);
    const connected = page.waitForEvent('response', (r) => r.url().endsWith('/events'));
    await page.goto(`${s.url}/settings`);
    await connected;
    const state = page.locator('#scanners tr[data-scanner-id="entree"] [data-state]');
    await page.locator('#scanners [data-state="waiting"]').waitFor();
    // in French; the driver's English (the port, what to run) one click away for support
    expect(await page.locator('#scanners').innerText()).toContain('Lecteur introuvable : est-il branché ?');
    expect(await page.locator('#scanners details [lang="en"]').textContent()).toContain('not found: is the scanner plugged in?');

    const pty = await ptyPair(ptyDir); // the scanner is plugged in: the panel follows without a reload
    try {
      await page.locator('#scanners [data-state="connected"]').waitFor();
      expect(await state.innerText()).toBe('prêt');
      await page.screenshot({ path: screenshotPath('settings-scanner') });

      const stream = page.waitForEvent('response', (r) => r.url().endsWith('/events'));
      await page.goto(`${s.url}/`);
      await stream; // the page hears scans from now on
      await pty.write('7612345000015\r\n');
      await page.waitForURL(`${s.url}/clients/${anne.id}`);
      expect(await page.locator('article.client h1').innerText()).toBe('Anne Rochat');
    } finally {
      await page.close();
      await pty.close();
    }
  });
});
