import { readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// test/global-setup.ts has built dist/ with build.mjs
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const bundles = readdirSync(path.join(ROOT, 'dist'))
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => path.join(ROOT, 'dist', f));

it('the bundles are ASCII: one character past U+00FF would make V8 hold a whole bundle two bytes a character', () => {
  expect(bundles.map((f) => path.basename(f))).toContain('main.mjs');
  for (const file of bundles) {
    const text = readFileSync(file, 'latin1');
    const at = text.search(/[^\x00-\x7f]/);
    expect(at, `${path.basename(file)}: ${JSON.stringify(text.slice(Math.max(0, at - 60), at + 20))}`).toBe(-1);
  }
});

it("a place in the bundle maps to its TypeScript file and line, as the log's stack traces show them", () => {
  const bundle = readFileSync(path.join(ROOT, 'dist', 'main.mjs'), 'utf8');
  const map = new SourceMap(JSON.parse(readFileSync(path.join(ROOT, 'dist', 'main.mjs.map'), 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  const source = readFileSync(path.join(ROOT, 'agent', 'directory', 'phonetic.ts'), 'utf8').split('\n');
  const at = bundle.indexOf('function oneTypoApart(');
  expect(at).toBeGreaterThan(0);
  const before = bundle.slice(0, at).split('\n');
  const entry = map.findEntry(before.length - 1, before.at(-1)!.length);
  expect('originalSource' in entry && entry.originalSource.replaceAll('\\', '/')).toMatch(/agent\/directory\/phonetic\.ts$/);
  expect('originalLine' in entry && entry.originalLine).toBe(source.findIndex((l) => l.startsWith('export function oneTypoApart(')));
});
