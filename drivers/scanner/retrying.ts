import { backoffDelay, type ScannerDriver, type ScannerEvents, type ScannerState, type ScannerStatus } from './types.js';

/** Why a scanner is not reading: 'waiting' (absent, may be plugged in) or 'error' (something to fix). */
export class ScannerProblem extends Error {
  constructor(
    readonly state: 'waiting' | 'error',
    message: string,
  ) {
    super(message);
  }
}

/**
 * What every scanner transport shares: connect, report the status, and after a failure or an
 * unplug, try again in the background with backoff until stopped. Subclasses open the device in
 * `attach()` (throwing a ScannerProblem when they cannot) and give it back in `detach()`.
 */
export abstract class RetryingScanner implements ScannerDriver {
  readonly id: string;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;
  private upSince = 0;
  /** Bumped by every connect and stop: an attach that finishes after either is stale. */
  private generation = 0;
  protected stopped = true;
  private current: ScannerStatus;

  constructor(
    id: string,
    protected readonly events: ScannerEvents,
  ) {
    this.id = id;
    this.current = { id, state: 'stopped', detail: null, since: new Date().toISOString() };
  }

  /**
   * Opens the device and starts reading; throws a ScannerProblem (or any error) when it cannot.
   * `current()` turns false if a stop or a newer connect made this attach stale: check it after
   * each await and give up.
   */
  protected abstract attach(current: () => boolean): Promise<void>;
  /** Stops reading and gives the device back; never throws. */
  protected abstract detach(): Promise<void>;

  get status(): ScannerStatus {
    return this.current;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.detach();
    this.setStatus('stopped', null);
  }

  /** The device went away or failed while reading: give it back and try again later. */
  protected lost(problem: ScannerProblem): void {
    this.generation++;
    void this.detach();
    this.failed(problem);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.stopped;
    // Only the first try says "connecting": a retry keeps the reason it is waiting for (no flicker, no log line)
    if (this.current.state === 'stopped') this.setStatus('connecting', null);
    try {
      await this.attach(current);
      if (!current()) return; // stopped, or lost() took over meanwhile: it cleans up and retries
    } catch (err) {
      if (!current()) return; // stopped, or lost() already took over: it cleans up and retries
      this.generation++;
      await this.detach();
      this.failed(err instanceof ScannerProblem ? err : new ScannerProblem('error', err instanceof Error ? err.message : String(err)));
      return;
    }
    this.upSince = Date.now();
    this.setStatus('connected', null);
  }

  private failed(problem: ScannerProblem): void {
    if (this.stopped || this.retry) return; // one retry pending is enough; none after stop
    // A device up for a while starts its backoff again; one that dies at once keeps backing off.
    if (this.upSince && Date.now() - this.upSince > 5_000) this.failures = 0;
    this.upSince = 0;
    this.failures++;
    const delay = backoffDelay(this.failures);
    this.setStatus(problem.state, `${problem.message}; trying again in ${Math.round(delay / 100) / 10} s`);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay);
    this.retry.unref();
  }

  private setStatus(state: ScannerState, detail: string | null): void {
    if (this.current.state === state && this.current.detail === detail) return;
    this.current = { id: this.id, state, detail, since: new Date().toISOString() };
    this.events.status(this.current);
  }
}
