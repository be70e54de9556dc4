import type { ScannerConfig } from '../config.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { SerialScanner } from '../../drivers/scanner/serial.js';
import type { SerialOpener } from '../../drivers/serial-ports.js';
import type { ScannerDriver, ScannerStatus } from '../../drivers/scanner/types.js';
import { type UsbBackend, UsbScanner } from '../../drivers/scanner/usb.js';
import type { ScanService } from './scan-service.js';

export interface ScannerHardware {
  serial?: SerialOpener;
  usb?: UsbBackend;
}

/**
 * The configured scanners: one driver each, every code through the scan pipeline with the
 * scanner's own options, every status change logged and sent as a `scanner` event. A scanner that
 * cannot start never stops the agent: its status says why, and it keeps trying.
 */
export class Scanners {
  private readonly drivers: ScannerDriver[] = [];

  constructor(
    configs: readonly ScannerConfig[],
    scans: ScanService,
    private readonly bus: EventBus,
    private readonly log: Logger,
    hardware: ScannerHardware = {},
  ) {
    for (const config of configs) {
      const events = {
        code: (raw: string) => {
          try {
            scans.scan(raw, config.id, { duplicateWindowMs: config.duplicateWindowMs, stripAim: config.stripAim });
          } catch (err) {
            // an empty or oversized read (noise on the line): nothing to look up
            this.log.warn('scanner read ignored', { scanner: config.id, reason: err instanceof Error ? err.message : String(err) });
          }
        },
        status: (status: ScannerStatus) => this.onStatus(status),
      };
      const t = config.transport;
      this.drivers.push(
        t.type === 'serial'
          ? new SerialScanner({ id: config.id, path: t.path, baudRate: t.baudRate, prefix: t.prefix, suffix: t.suffix, interByteTimeoutMs: t.interByteTimeoutMs }, events, hardware.serial)
          : new UsbScanner({ id: config.id, vendorId: Number(t.vendorId), productId: Number(t.productId), mode: t.mode, layout: t.layout }, events, hardware.usb),
      );
    }
  }

  start(): void {
    for (const d of this.drivers) d.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.drivers.map((d) => d.stop()));
  }

  get statuses(): ScannerStatus[] {
    return this.drivers.map((d) => d.status);
  }

  private onStatus(status: ScannerStatus): void {
    const fields = { scanner: status.id, detail: status.detail ?? undefined };
    if (status.state === 'error') this.log.warn('scanner error', fields);
    else this.log.info(`scanner ${status.state}`, fields);
    this.bus.emit('scanner', status);
  }
}
