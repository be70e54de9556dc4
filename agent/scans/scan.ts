import type { ClientOut } from '../directory/schema.js';

/** What a scan turned into: the `scan` event's data, plus whether it was dropped as a repeat. */
export interface Scan {
  code: string;
  device: string;
  at: string;
  client: ClientOut | null;
}

export interface ScanOutcome extends Scan {
  /** The same code from the same device within the window: no event was sent. */
  duplicate: boolean;
}
