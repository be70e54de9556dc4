import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { memoryLogger } from '../../agent/log.js';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { tempDir, testConfig } from '../helpers/config.js';

/** ui.pin in Chromium, with the German locale: the login page, a wrong PIN, then the directory. */

let agent: Agent;
let url: string;
let browser: Browser;

beforeAll(async () => {
  const dir = tempDir();
  const config = testConfig(dir, { http: { host: '127.0.0.1', port: 0 }, ui: { locale: 'de', pin: '4821' } });
  agent = new Agent({ config, file: null, storeDir: dir }, { log: memoryLogger() });
  url = await agent.start();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await agent?.stop();
});

describe('staff PIN login in Chromium (German)', () => {
  it('asks for the PIN, refuses a wrong one, then opens the directory', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    await page.goto(`${url}/?q=meier`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('h1').innerText()).toBe('Anmelden');
    await page.screenshot({ path: screenshotPath('login-de') });

    await page.fill('#pin', '1111');
    await page.click('button[type="submit"]');
    expect(await page.locator('p.error').innerText()).toBe('Falscher Code. Bitte erneut versuchen.');

    await page.fill('#pin', '4821');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${url}/?q=meier`);
    expect(await page.locator('h1').innerText()).toBe('Kunden — Verzeichnis');
    expect(await page.inputValue('input[name="q"]')).toBe('meier');
    // the session cookie is out of reach of page scripts
    expect(await page.evaluate(() => document.cookie)).toBe('');

    await page.click('button:has-text("Abmelden")');
    await page.waitForURL(`${url}/login`);
    await page.close();
  });
});
