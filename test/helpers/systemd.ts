import { existsSync } from 'node:fs';

/**
 * The systemd-analyze the service tests verify units with. These tests run on Linux (CI installs
 * the `systemd` package when it is missing); elsewhere, or without it, they fail saying how to fix it
 * rather than passing without checking anything.
 */
export function systemdAnalyze(): string {
  const found = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
  if (!found) throw new Error('systemd-analyze is missing: install it (Debian: apt-get install systemd; .ci/run does) to verify the service unit');
  return found;
}
