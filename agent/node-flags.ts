/**
 * The options the agent's Node runs with, wherever it is started (npm start, the service unit, the
 * Windows service, the packaged INSTALL.txt, the tests and benchmarks):
 * - source maps, so a stack trace in the log names the TypeScript file and line;
 * - a young generation of 4 MB per semi-space instead of V8's 1 growing to 16: at 100,000 clients
 *   the agent's resident memory is ~25 MB lower (measured: 258 → 232 MB), and the more frequent
 *   scavenges each take well under a millisecond; starting at 4 MB (not 1) spares the load of the
 *   directory the scavenges of a young generation still growing (~0.1–0.2 s of a start). V8 reads
 *   both only at start (setting them from inside the program has no effect: measured), so they
 *   must be on the command line.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ['--enable-source-maps', '--max-semi-space-size=4', '--min-semi-space-size=4'];
