import type { Directory } from '../directory/directory.js';
import type { ClientOut } from '../directory/schema.js';
import { invalid } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Scan, ScanOutcome } from './scan.js';


export interface ScanOptions {
  /** A scanner held over a card reads it again and again: repeats within this window are dropped. */
  duplicateWindowMs?: number;
  /** Strip an AIM symbology identifier (`]E0`, `]C1`…) that some scanners put before the code. */
  stripAim?: boolean;
}

export const SCAN_CODE_MAX = 128;
const DEFAULT_WINDOW_MS = 500;
// Control characters a scanner may send around the code (CR, LF, TAB, GS in GS1 codes…).
const CONTROL = /[\u0000-\u001f\u007f]/g;
const AIM = /^\][A-Za-z][0-9A-Za-z]/;

/**
 * The one path every scan takes, whatever read it (serial or USB scanner, the page's keyboard-wedge
 * detector, `POST /api/v1/scans`): clean the code, drop a repeat, look the client up by reference,
 * and tell every listener (the page, the till) with a `scan` event.
 */
export class ScanService {
  private readonly last = new Map<string, { code: string; at: number }>();

  constructor(
    private readonly directory: Directory,
    private readonly bus: EventBus,
    private readonly now: () => number = Date.now,
  ) {}

  /** The code as the directory stores references, or null when nothing is left of it. */
  static normalize(raw: string, options: ScanOptions = {}): string | null {
    let code = raw.replace(CONTROL, '').trim();
    if (options.stripAim && AIM.test(code)) code = code.slice(3).trim();
    return code.length > 0 ? code : null;
  }

  scan(raw: string, device: string, options: ScanOptions = {}): ScanOutcome {
    const code = ScanService.normalize(raw, options);
    if (code === null) throw invalid([{ path: 'code', message: 'empty once spaces and control characters are removed; send the characters the scanner read' }]);
    if (code.length > SCAN_CODE_MAX) throw invalid([{ path: 'code', message: `longer than ${SCAN_CODE_MAX} characters; a loyalty card code is much shorter` }]);
    const now = this.now();
    const previous = this.last.get(device);
    const window = options.duplicateWindowMs ?? DEFAULT_WINDOW_MS;
    // Sliding: a card left on a scanner in continuous mode keeps being dropped.
    const duplicate = previous !== undefined && previous.code === code && now - previous.at < window;
    this.last.set(device, { code, at: now });
    if (this.last.size > 256) this.forgetBefore(now - window); // devices named by API callers

    const scan: Scan = { code, device, at: new Date(now).toISOString(), client: this.directory.findByReference(code) };
    if (!duplicate) this.bus.emit('scan', scan);
    return { ...scan, duplicate };
  }

  private forgetBefore(t: number): void {
    for (const [device, seen] of this.last) if (seen.at < t) this.last.delete(device);
  }
}
