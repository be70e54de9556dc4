/**
 * The baseline of (h): everything a full pull has to move, and nothing more. Asks a cloud for every
 * page of GET /v1/directory/changes the way the agent does (same limit, cursor, until `hasMore` is
 * false) with plain `fetch`, parses each page and keeps nothing.
 * argv: <cloudUrl> <token> [limit]. Prints one JSON line: { ms, firstPageMs, pages, changes, bytes }.
 */
import { randomUUID } from 'node:crypto';

const [url, token, limitArg] = process.argv.slice(2);
if (!url || !token) throw new Error('usage: fetch-pages.ts <cloudUrl> <token> [limit]');
const limit = Number(limitArg ?? 1000);
const headers = { authorization: `Bearer ${token}`, 'x-agent-id': randomUUID(), accept: 'application/json' };

interface Page {
  changes: unknown[];
  cursor: string;
  hasMore: boolean;
}

const started = performance.now();
let firstPageMs = 0;
let cursor: string | null = null;
let pages = 0;
let changes = 0;
let bytes = 0;
for (;;) {
  const qs = new URLSearchParams({ limit: String(limit) });
  if (cursor !== null) qs.set('cursor', cursor);
  const res = await fetch(`${url}/v1/directory/changes?${qs}`, { headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /v1/directory/changes answered ${res.status}: ${text.slice(0, 300)}`);
  bytes += Buffer.byteLength(text);
  const page = JSON.parse(text) as Page;
  if (pages === 0) firstPageMs = performance.now() - started;
  pages++;
  changes += page.changes.length;
  cursor = page.cursor;
  if (!page.hasMore) break;
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, firstPageMs, pages, changes, bytes })}\n`);
