import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { Agent } from '../../agent/agent.js';
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
  opts: { config?: Record<string, unknown>; beforeStart?: (dir: string) => Promise<void>; afterStart?: (url: string) => Promise<void> } = {},
): BrowserSuite {
  const suite = {} as BrowserSuite; // filled by beforeAll, before any test reads it
  beforeAll(async () => {
    const dir = tempDir();
    await opts.beforeStart?.(dir);
    const config = testConfig(dir, { http: { host: '127.0.0.1', port: 0 }, ...opts.config });
    suite.agent = new Agent({ config, file: null, storeDir: dir }, { log: memoryLogger() });
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
