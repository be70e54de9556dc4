import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The house's import graph, read from the sources as the compiler reads them (type-only imports
 * included: a cycle of types is still two rooms that cannot be understood apart).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROOMS = ['agent', 'web', 'drivers'];

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** `./x.js` from `agent/a.ts` → `agent/x.ts` (or .tsx, or x/index.ts); null for packages. */
function resolve(from: string, spec: string, files: Set<string>): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base]) if (files.has(candidate)) return candidate;
  throw new Error(`${from} imports ${spec}, which is not a file of the house`);
}

function importGraph(): Map<string, string[]> {
  const files = new Set(ROOMS.flatMap(sources));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    const targets = info.importedFiles.map((f) => resolve(file, f.fileName, files)).filter((t): t is string => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle's files, one list per strongly connected component of more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** Imports from files under `from` into files under `to`, as `a → b` lines. */
function edges(graph: Map<string, string[]>, from: string, to: string, except: (file: string) => boolean = () => false): string[] {
  return [...graph].flatMap(([file, targets]) => (file.startsWith(from) && !except(file) ? targets.filter((t) => t.startsWith(to)).map((t) => `${file} → ${t}`) : []));
}

describe('the house', () => {
  const graph = importGraph();

  it('reads the whole tree (the checks below look at something)', () => {
    expect(graph.size).toBeGreaterThan(80);
    expect(graph.get('agent/agent.ts')).toContain('agent/services.ts');
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps the hardware boundary: drivers/ imports nothing of the agent or the pages', () => {
    expect([...edges(graph, 'drivers/', 'agent/'), ...edges(graph, 'drivers/', 'web/')]).toEqual([]);
  });

  it('serves the API apart from the staff pages: only the server module knows both', () => {
    expect(edges(graph, 'agent/', 'web/', (f) => f === 'agent/server.ts')).toEqual([]);
    expect(edges(graph, 'web/', 'agent/http/')).toEqual([]);
  });

  it('keeps sync in its own room: the directory imports nothing from sync/', () => {
    expect(edges(graph, 'agent/directory/', 'agent/sync/')).toEqual([]);
  });

  it('finds a cycle when there is one (the checker itself)', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
  });
});
