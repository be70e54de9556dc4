/**
 * The options the agent's Node runs with, wherever it is started (npm start, the service unit, the
 * Windows service, the packaged INSTALL.txt, the tests and benchmarks): source maps, so a stack
 * trace in the log names the TypeScript file and line.
 *
 * And a young generation of at most 8 MB a semi-space (V8's default: 16). It starts at 1 MB and
 * grows under load as before; the cap keeps it from doubling once more at the end of a first pull,
 * when the directory's records, the index being built and a young generation at its largest are
 * resident together: 100,000 clients pulled, peak RSS 252.6–255.0 → 235.5–238.7 MB (12 MB a
 * semi-space: 253.0–255.4, no better). What it costs: twice as many scavenges while a large
 * directory loads (every record survives them), a start at 1,000,000 clients ~1 s slower
 * (12.2–12.9 → 12.7–13.9 s, measured 8 Dec); none seen at 100,000 (1.20–1.72 s either way).
 * Not a fixed size: a fixed 4 MB one (until 7 Dec) made every start slower, its records copied
 * through ~4 times as many scavenges (1,000,000 clients: 11.5 → 9.8 s to listening without it),
 * and saved nothing once the agent settles (V8 shrinks the young generation when it is quiet).
 */
export const AGENT_NODE_FLAGS: readonly string[] = ['--enable-source-maps', '--max-semi-space-size=8'];

/**
 * The environment the agent's Node starts with. Where the C library is glibc (Linux), malloc's
 * threshold for giving a large block a mapping of its own is held at its default of 128 KB:
 * glibc otherwise raises it each time such a block is freed (up to 32 MB), and the large blocks
 * allocated after that (file reads, response bodies, V8's own) come from its heaps, which keep
 * what is freed in their middle. Measured at 100,000 clients (docs/benchmarks.md, 7 Dec): the
 * agent restarted on a synced store 257 → 222 MB, without a cloud 228 → 221 MB, the first pull's
 * peak 372 → 360 MB. glibc reads it
 * as the process starts, before Node runs, so whoever starts the agent sets it: the systemd
 * unit, INSTALL.txt's command, the tests and benchmarks. Other C libraries ignore it.
 */
const MMAP_THRESHOLD = 'glibc.malloc.mmap_threshold';
export const AGENT_NODE_ENV: Readonly<Record<string, string>> = { GLIBC_TUNABLES: `${MMAP_THRESHOLD}=131072` };

/** `env` with AGENT_NODE_ENV in it; tunables someone already set in GLIBC_TUNABLES are kept, ours added after them unless they set the same one. */
export function agentNodeEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const before = env.GLIBC_TUNABLES;
  if (before?.split(':').some((t) => t.startsWith(`${MMAP_THRESHOLD}=`))) return { ...env };
  return { ...env, GLIBC_TUNABLES: before ? `${before}:${AGENT_NODE_ENV.GLIBC_TUNABLES}` : AGENT_NODE_ENV.GLIBC_TUNABLES };
}
