import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLine, LOG_FILE, logDir, memoryLogger, openAgentLog } from '../../agent/log.js';
import { tempDir } from '../helpers/agent.js';
import { ROOT, runAgent, startAgentProcess, writeConfig } from '../helpers/process.js';

const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info |warn |error) \S/;

function logLines(storeDir: string, file = LOG_FILE): string[] {
  return readFileSync(path.join(logDir({ storeDir }), file), 'utf8').split('\n').filter(Boolean);
}

describe('a log line', () => {
  it('is the time, the level, the stable message and the fields, on one line', () => {
    const at = new Date('2026-12-04T10:15:00.123Z');
    expect(formatLine(at, 'warn', 'printer offline', { printer: 'front' })).toBe('2026-12-04T10:15:00.123Z warn  printer offline printer=front');
    expect(formatLine(at, 'error', 'agent crashed', { error: 'Error: x\n    at y (z.ts:1)', code: 3, gone: undefined, empty: '', ok: true })).toBe(
      '2026-12-04T10:15:00.123Z error agent crashed error="Error: x\\n    at y (z.ts:1)" code=3 empty="" ok=true',
    );
    expect(formatLine(at, 'info', 'two\nlines', { q: 'say "hi"', eq: 'a=b' })).toBe('2026-12-04T10:15:00.123Z info  two\\nlines q="say \\"hi\\"" eq="a=b"');
  });

  it('in memory keeps the level, the message and the fields (no time), for tests to match', () => {
    const log = memoryLogger();
    log.warn('printer offline', { printer: 'front' });
    log.info('plain');
    expect(log.lines).toEqual(['warn printer offline printer=front', 'info plain']);
  });
});

describe('the log file', () => {
  it('keeps at most maxFiles files, each at most one line over maxSizeMB, the newest lines in agent.log', async () => {
    const storeDir = tempDir();
    const maxBytes = 2048;
    const log = openAgentLog(logDir({ storeDir }), { level: 'info', file: true, maxSizeMB: maxBytes / 1024 / 1024, maxFiles: 3 }, { stderr: () => undefined });
    const terminal = silence();
    try {
      for (let i = 0; i < 400; i++) log.info('burst line', { i, pad: 'x'.repeat(i % 40) });
      await log.close();
    } finally {
      terminal.restore();
    }
    const files = readdirSync(logDir({ storeDir })).sort();
    expect(files).toEqual(['agent.1.log', 'agent.2.log', 'agent.log']);
    const longest = Math.max(...files.flatMap((f) => logLines(storeDir, f).map((l) => l.length + 1)));
    for (const f of files) expect(statSync(path.join(logDir({ storeDir }), f)).size).toBeLessThan(maxBytes + longest);
    // rotated in order: agent.2.log is older than agent.1.log, older than agent.log, whose last line is the last written
    const index = (f: string) => logLines(storeDir, f).map((l) => Number(/ i=(\d+)/.exec(l)![1]));
    expect(index('agent.log').at(-1)).toBe(399);
    expect(index('agent.2.log').at(-1)! < index('agent.1.log')[0]!).toBe(true);
    expect(index('agent.1.log').at(-1)! < index('agent.log')[0]!).toBe(true);
    expect(index('agent.2.log')[0]).toBeGreaterThan(0); // the oldest lines are gone
  });

  it('writes only the lines at log.level or above', async () => {
    const storeDir = tempDir();
    const log = openAgentLog(logDir({ storeDir }), { level: 'warn', file: true, maxSizeMB: 10, maxFiles: 5 });
    const terminal = silence();
    try {
      log.info('printer online', { printer: 'front' });
      log.warn('printer offline', { printer: 'front' });
      log.error('print job not saved', { printer: 'front', job: 'j1' });
      await log.close();
    } finally {
      terminal.restore();
    }
    expect(logLines(storeDir).map((l) => l.slice(25))).toEqual(['warn  printer offline printer=front', 'error print job not saved printer=front job=j1']);
    expect(terminal.out).not.toContain('printer online');
    expect(terminal.err).toContain('printer offline printer=front');
  });

  it('a folder that cannot be written: said once with the fix, and the console goes on', async () => {
    const storeDir = tempDir();
    writeFileSync(path.join(storeDir, 'logs'), 'a file where the folder should be');
    const said: string[] = [];
    const log = openAgentLog(logDir({ storeDir }), { level: 'info', file: true, maxSizeMB: 10, maxFiles: 5 }, { stderr: (t) => said.push(t) });
    const terminal = silence();
    try {
      log.info('agent listening', { url: 'http://127.0.0.1:1' });
      log.warn('printer offline', { printer: 'front' });
      await log.close();
    } finally {
      terminal.restore();
    }
    expect(log.file).toBeNull();
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/the log folder .*logs cannot be written \(E[A-Z]+\); the agent goes on logging to the console only\. Fix: /);
    expect(terminal.out).toContain('agent listening url=http://127.0.0.1:1');
  });
});

describe('a running agent', () => {
  it('writes its start and stop lines to store.dir/logs/agent.log', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, { http: { port: 0 }, store: { dir: './store' }, api: { tokens: ['test-token-0123456789abcdef'] } });
    const agent = await startAgentProcess(file);
    await served(agent.url);
    agent.proc.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    const lines = logLines(path.join(dir, 'store'));
    for (const l of lines) expect(l).toMatch(LINE);
    const messages = lines.map((l) => l.slice(31));
    expect(messages.find((m) => m.startsWith('agent listening '))).toContain(`url=${agent.url}`);
    expect(messages).toContain('agent stopping signal=SIGTERM');
    expect(messages.at(-1)).toBe('agent stopped; every change is on disk');
    // the file has what the console said, line for line
    expect(agent.output().trim().split('\n').map((l) => l.slice(25))).toEqual(lines.map((l) => l.slice(25)));
  });

  it('a start that fails: "the agent cannot start" and why, in the file, exit 1', async () => {
    const taken = await listening();
    try {
      const dir = tempDir();
      const port = (taken.address() as { port: number }).port;
      const file = writeConfig(dir, { http: { port }, store: { dir: './store' }, api: { tokens: ['test-token-0123456789abcdef'] } });
      const run = runAgent(['--config', file]);
      expect((await run.exited).code).toBe(1);
      const last = logLines(path.join(dir, 'store')).at(-1)!;
      expect(last).toMatch(/^\S+ error the agent cannot start reason=".+"$/);
      expect(last).toContain(String(port));
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('a log folder it cannot write does not stop it: one warning on stderr, then the console', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'store'));
    writeFileSync(path.join(dir, 'store', 'logs'), 'a file where the folder should be');
    const file = writeConfig(dir, { http: { port: 0 }, store: { dir: './store' }, api: { tokens: ['test-token-0123456789abcdef'] } });
    const agent = await startAgentProcess(file);
    await served(agent.url);
    agent.proc.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    expect(agent.output().match(/the log folder .* cannot be written/g)).toHaveLength(1);
    expect(agent.output()).toMatch(/set "log": \{ "file": false \}/);
    expect(agent.output()).toContain('agent stopped; every change is on disk');
  });
});

describe('the end of a program that logs to a file', () => {
  for (const [how, last] of [
    ['exit', /info  last line before exit$/],
    ['reject', /error agent crashed error="Error: main failed on purpose\\n {4}at /],
    ['uncaught', /error agent crashed error="Error: thrown outside main on purpose\\n {4}at /],
  ] as const) {
    it(`${how}: every line, the last one included, is in the file before the process ends`, async () => {
      const storeDir = tempDir();
      const code = await new Promise<number | null>((resolve) => {
        const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'fakes', 'logging-main.ts'), storeDir, how], { cwd: ROOT, stdio: 'ignore' });
        proc.on('exit', (c) => resolve(c));
      });
      expect(code).toBe(how === 'exit' ? 0 : 1);
      const lines = logLines(storeDir);
      expect(lines.filter((l) => l.includes('burst line'))).toHaveLength(2000);
      expect(lines.at(-1)).toMatch(last);
    });
  }
});

/** Captures what a logger writes to the terminal (and keeps it out of the test output). */
function silence(): { out: string; err: string; restore(): void } {
  const seen = { out: '', err: '' };
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((seen.out += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((seen.err += String(chunk)), true)) as typeof process.stderr.write;
  return {
    get out() {
      return seen.out;
    },
    get err() {
      return seen.err;
    },
    restore() {
      process.stdout.write = out;
      process.stderr.write = err;
    },
  };
}

/**
 * One answered request: the agent's start has finished, its signal handlers with it (a SIGTERM
 * right at the "listening" line can come before them, and then Node's default ends the process).
 */
async function served(url: string): Promise<void> {
  await (await fetch(`${url}/api/v1/clients`)).arrayBuffer();
}

function listening(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
