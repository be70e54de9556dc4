import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { Agent, type AgentOptions } from '../../agent/agent.js';
import { memoryLogger } from '../../agent/log.js';
import { tempDir, testConfig } from './config.js';
import { ROOT } from './process.js';

/** Debian's Chromium, headless, as the developers' guide prescribes: no browser is ever downloaded. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Where screenshots of the main screens go (looked at by a person after a run). */
export function screenshotPath(name: string): string {
  const dir = path.join(ROOT, 'test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

export interface BrowserSuite {
  agent: Agent;
  url: string;
  browser: Browser;
}

/**
 * For a browser test file: an agent listening on a free port (on a fresh store, optionally seeded
 * before it starts or through its API after) and one Chromium, for all the file's tests.
 */
export function browserSuite(
  opts: {
    /** A function is called after beforeStart (e.g. to point the agent at a cloud started there). */
    config?: Record<string, unknown> | (() => Record<string, unknown>);
    options?: AgentOptions;
    beforeStart?: (dir: string) => Promise<void>;
    afterStart?: (url: string) => Promise<void>;
  } = {},
): BrowserSuite {
  const suite = {} as BrowserSuite; // filled by beforeAll, before any test reads it
  beforeAll(async () => {
    const dir = tempDir();
    await opts.beforeStart?.(dir);
    const extra = typeof opts.config === 'function' ? opts.config() : opts.config;
    const config = testConfig(dir, { http: { host: '127.0.0.1', port: 0 }, ...extra });
    suite.agent = new Agent({ config, file: null, storeDir: dir }, { log: memoryLogger(), ...opts.options });
    suite.url = await suite.agent.start();
    await opts.afterStart?.(suite.url);
    suite.browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.agent?.stop();
  });
  return suite;
}

/**
 * Types a code the way a keyboard-wedge scanner does: real key events (they type into inputs), a
 * few milliseconds apart, then Enter. The events carry their own timestamps, so the page sees a
 * scanner's rhythm even when a loaded test machine delivers them late.
 */
export async function scannerTypes(page: Page, code: string, gapMs = 5): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const start = Date.now() / 1000;
  const keys = [...code].map((ch) => ({ key: ch, text: ch, code: /\d/.test(ch) ? `Digit${ch}` : `Key${ch.toUpperCase()}`, vk: ch.toUpperCase().charCodeAt(0) }));
  keys.push({ key: 'Enter', text: '\r', code: 'Enter', vk: 13 });
  const sent: Promise<unknown>[] = [];
  keys.forEach((k, i) => {
    const timestamp = start + (i * gapMs) / 1000;
    const common = { key: k.key, code: k.code, windowsVirtualKeyCode: k.vk, nativeVirtualKeyCode: k.vk, timestamp };
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', text: k.text, unmodifiedText: k.text, ...common }));
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...common }));
  });
  await Promise.all(sent);
  await cdp.detach();
}
