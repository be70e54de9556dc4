import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/process.js';

/** The docs a fresh clone reads: complete for the config, and linking only to what the repository holds. */

/** Every key path of the JSON Schema, arrays as `[]`, through anyOf/oneOf branches. */
function keyPaths(node: unknown, prefix = '', into = new Set<string>()): Set<string> {
  if (!node || typeof node !== 'object') return into;
  const n = node as Record<string, unknown>;
  const props = n['properties'];
  if (props && typeof props === 'object') {
    for (const [key, child] of Object.entries(props)) {
      if (key === '$schema') continue;
      const at = prefix ? `${prefix}.${key}` : key;
      into.add(at);
      keyPaths(child, at, into);
    }
  }
  for (const branch of ['anyOf', 'oneOf', 'allOf']) {
    const list = n[branch];
    if (Array.isArray(list)) for (const b of list) keyPaths(b, prefix, into);
  }
  if (n['items']) keyPaths(n['items'], `${prefix}[]`, into);
  return into;
}

it('docs/config.md describes every key of the config schema', () => {
  const schema: unknown = JSON.parse(readFileSync(path.join(ROOT, 'agent.config.schema.json'), 'utf8'));
  const doc = readFileSync(path.join(ROOT, 'docs', 'config.md'), 'utf8');
  const keys = [...keyPaths(schema)];
  expect(keys.length).toBeGreaterThan(60);
  expect(keys.filter((k) => !doc.includes(`\`${k}\``))).toEqual([]);
});

it('the README and docs link only to files inside the repository, and those files exist', () => {
  const files = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken: string[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target!)) continue;
      const resolved = path.resolve(ROOT, path.dirname(file), target!.split('#')[0]!);
      if (!resolved.startsWith(`${ROOT}`) || !existsSync(resolved)) broken.push(`${file} → ${target}`);
    }
  }
  expect(broken).toEqual([]);
});
