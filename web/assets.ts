import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

/**
 * The page's scripts and styles, served by the agent itself: the shop's internet may be down, and
 * a till page must never depend on a CDN. htmx comes from node_modules (pinned to 2.x); the
 * stylesheet is ours. Files are read once at start; URLs carry a version or a content hash so
 * browsers cache them for good and fetch again only after a change.
 */

const require = createRequire(import.meta.url);
// web/ (sources) and dist/ (the bundle) are both one level below the project root.
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A file of web/static (ours, not a package's). */
export const staticFile = (file: string): Buffer => readFileSync(path.join(ROOT, 'web', 'static', file));

export interface Asset {
  body: Buffer;
  type: string;
}

export function packageFile(pkg: string, file: string): Buffer {
  return readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file));
}

export function contentTag(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 12);
}

function packageVersion(pkg: string): string {
  const raw: unknown = JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8'));
  return typeof raw === 'object' && raw !== null && 'version' in raw && typeof raw.version === 'string' ? raw.version : '0';
}

export interface AssetUrls {
  css: string;
  /** htmx, its SSE extension and app.js, in that order, as one file: one request on a first visit. */
  js: string;
  icon: string;
}

export function assets(): { urls: AssetUrls; routes: Hono; favicon: Asset } {
  const ours = staticFile;
  const css = ours('app.css');
  const banner = (pkg: string) => Buffer.from(`\n;/* ${pkg} ${packageVersion(pkg)} */\n`);
  const js = Buffer.concat([
    banner('htmx.org'),
    packageFile('htmx.org', 'dist/htmx.min.js'),
    banner('htmx-ext-sse'),
    packageFile('htmx-ext-sse', 'dist/sse.min.js'),
    Buffer.from('\n;/* shop agent */\n'),
    ours('app.js'),
  ]);
  const favicon: Asset = { body: ours('favicon.svg'), type: 'image/svg+xml' };
  // Named by content: a page script changed in a patch release is never served stale from cache.
  const files: Record<string, Asset> = {
    [`app-${contentTag(css)}.css`]: { body: css, type: 'text/css; charset=utf-8' },
    [`page-${contentTag(js)}.js`]: { body: js, type: 'text/javascript; charset=utf-8' },
    [`icon-${contentTag(favicon.body)}.svg`]: favicon,
  };
  const [cssName, jsName, iconName] = Object.keys(files);
  const urls: AssetUrls = { css: `/static/${cssName}`, js: `/static/${jsName}`, icon: `/static/${iconName}` };
  const routes = new Hono().get('/:name', (c) => {
    const name = c.req.param('name');
    const asset = Object.hasOwn(files, name) ? files[name] : undefined;
    if (!asset) return c.notFound();
    return c.body(new Uint8Array(asset.body), 200, {
      'Content-Type': asset.type,
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
  });
  return { urls, routes, favicon };
}
