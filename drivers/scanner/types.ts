/** What every scanner driver reports, whatever its transport. */

export type ScannerState = 'connecting' | 'connected' | 'waiting' | 'error' | 'stopped';

export interface ScannerStatus {
  id: string;
  state: ScannerState;
  /** Why it is waiting or in error, said so an installer can act on it. */
  detail: string | null;
  since: string;
}

export interface ScannerEvents {
  /** A whole code as the scanner read it (before the scan pipeline cleans it). */
  code(code: string): void;
  status(status: ScannerStatus): void;
}

/** A scanner the agent keeps reading: it connects, retries in the background, and reports. */
export interface ScannerDriver {
  readonly id: string;
  start(): void;
  stop(): Promise<void>;
  readonly status: ScannerStatus;
}

/** Retry delays after a failure: 0.5 s doubling to 30 s, so a scanner plugged back in comes up quickly. */
export function backoffDelay(failures: number, minMs = 500, maxMs = 30_000): number {
  return Math.min(maxMs, minMs * 2 ** Math.max(0, failures - 1));
}
