import { expect, it } from 'vitest';
import { agentPerTest, TEST_TOKEN } from '../helpers/agent.js';
import { browserSuite } from '../helpers/browser.js';

/**
 * /api/v1/docs: the browsable API reference, a staff page. No bearer token (a browser cannot send
 * one): the staff session instead, when a PIN is set; served offline from node_modules, under the
 * staff pages' CSP (no inline script).
 */

const open = agentPerTest();
const noToken = { headers: { authorization: '' } };

it('serves Swagger UI and the document without a token, under the staff CSP, from the agent itself', async () => {
  const t = await open();
  const page = await t.api('/api/v1/docs', noToken);
  expect(page.status).toBe(200);
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  const html = await page.text();
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file of the agent
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  expect(urls.length).toBe(3);
  for (const url of urls) {
    expect(url.startsWith('/api/v1/docs/'), url).toBe(true);
    const res = await t.api(url, noToken);
    expect(res.status, url).toBe(200);
    expect((await res.arrayBuffer()).byteLength, url).toBeGreaterThan(100);
  }
  const doc = await t.api('/api/v1/docs/openapi.json', noToken);
  expect(((await doc.json()) as { paths: Record<string, unknown> }).paths['/print']).toBeDefined();
  // the API itself still needs its token, and a wrong token on the docs is not waved through
  expect((await t.api('/api/v1/openapi.json', noToken)).status).toBe(401);
  expect((await t.api('/api/v1/docs', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
  expect((await t.api('/api/v1/docs/no-such-file.js', noToken)).status).toBe(404);
});

it('asks for the staff PIN when one is set, for the page and the document alike', async () => {
  const t = await open({ config: { ui: { pin: '4821' } } });
  for (const path of ['/api/v1/docs', '/api/v1/docs/openapi.json']) {
    const res = await t.api(path, noToken);
    expect([path, res.status]).toEqual([path, 303]);
    expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
  }
  // a program with its token reads the document where it always was
  expect((await t.api('/api/v1/openapi.json', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(200);
});

const suite = browserSuite();

it('renders in Chromium with no CSP violation and lists the operations', { timeout: 60_000 }, async () => {
  const page = await suite.browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${suite.url}/api/v1/docs`);
  await page.waitForSelector('.opblock-tag', { timeout: 30_000 });
  expect(await page.locator('.opblock-tag').count()).toBeGreaterThanOrEqual(8);
  expect(await page.textContent('body')).toContain('/print');
  expect(problems).toEqual([]);
  await page.close();
});
