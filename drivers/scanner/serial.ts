import { openSerialPort, type SerialOpener, type SerialPortLike } from '../serial-ports.js';
import { CodeFramer, type FramerOptions } from './framer.js';
import { RetryingScanner, ScannerProblem } from './retrying.js';
import type { ScannerEvents } from './types.js';

export interface SerialScannerConfig extends FramerOptions {
  id: string;
  path: string;
  baudRate: number;
}

/**
 * A serial scanner (RS-232, or USB in virtual COM / CDC mode): opens the port and frames codes;
 * when the port is missing, fails or goes away (unplugged), says so and tries again with backoff.
 */
export class SerialScanner extends RetryingScanner {
  private port: SerialPortLike | null = null;
  private readonly framer: CodeFramer;

  constructor(
    private readonly config: SerialScannerConfig,
    events: ScannerEvents,
    private readonly opener: SerialOpener = openSerialPort,
  ) {
    super(config.id, events);
    this.framer = new CodeFramer((code) => this.events.code(code), config);
  }

  protected async attach(current: () => boolean): Promise<void> {
    const { path, baudRate } = this.config;
    let port: SerialPortLike;
    try {
      port = await this.opener(path, baudRate);
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      throw explain(path, err);
    }
    if (!current()) {
      port.close();
      return;
    }
    this.port = port;
    port.on('data', (chunk: Buffer) => this.framer.push(chunk));
    port.on('error', (err: Error) => this.portLost(port, explain(path, err)));
    port.on('close', () => this.portLost(port, new ScannerProblem('waiting', `${path} went away (scanner unplugged?)`)));
  }

  protected async detach(): Promise<void> {
    const port = this.port;
    this.port = null;
    this.framer.dispose(); // half a code from an unplugged scanner is not a scan
    if (!port) return;
    port.removeAllListeners('data');
    port.removeAllListeners('close');
    port.on('error', () => undefined); // a late error from a port we gave up must not crash the agent
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private portLost(port: SerialPortLike, problem: ScannerProblem): void {
    if (this.port === port) this.lost(problem); // once, whether error or close came first
  }
}

/** Errors from opening or reading a port, in words an installer can act on. */
function explain(path: string, err: unknown): ScannerProblem {
  const message = err instanceof Error ? err.message : String(err);
  if (/ENOENT|No such file|does not exist|not found/i.test(message)) {
    return new ScannerProblem('waiting', `${path} not found: is the scanner plugged in? (npm run devices lists the ports)`);
  }
  if (/EIO|disconnected/i.test(message)) return new ScannerProblem('waiting', `${path} went away (scanner unplugged?)`);
  if (/EACCES|Permission denied/i.test(message)) {
    return new ScannerProblem('error', `no permission to open ${path}: add the agent's user to the "dialout" group`);
  }
  if (/EBUSY|Resource busy|lock/i.test(message)) return new ScannerProblem('error', `${path} is in use by another program`);
  return new ScannerProblem('error', `${path}: ${message}`);
}
