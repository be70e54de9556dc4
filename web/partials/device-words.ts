import type { PrinterConfig, ScannerConfig } from '../../agent/config.js';
import { PRINTER_PROFILES } from '../../agent/printing/profiles.js';
import type { PageContext } from '../page-context.js';

/**
 * How the pages name a device's parts in the staff's words: the config's values (`tcp`, `receipt`,
 * `epson`) are identifiers for installers and the API, not words to show.
 */

type T = PageContext['t'];

/** How the device is connected, with where: "Réseau · 192.168.1.50:9100", "Port série · /dev/ttyUSB0". */
export function transportText(t: T, transport: PrinterConfig['transport'] | ScannerConfig['transport']): string {
  const kind = t(`transport.${transport.type}`);
  switch (transport.type) {
    case 'tcp':
      return `${kind} · ${transport.host}:${transport.port}`;
    case 'serial':
    case 'file':
      return `${kind} · ${transport.path}`;
    case 'usb':
      return `${kind} · ${transport.vendorId}:${transport.productId}`;
    case 'virtual':
      return kind;
  }
}

/** The printer's model: its profile's maker and model (brand names stay), or the command language it speaks. */
export function printerModelText(t: T, p: Pick<PrinterConfig, 'profile' | 'model'>): string {
  if (p.profile === 'generic-80mm' || p.profile === 'generic-58mm') return t(`printer.profile.${p.profile}`);
  if (p.profile) return PRINTER_PROFILES[p.profile].label;
  return t(`printer.model.${p.model}`);
}

/** What the printer prints by default: "Imprime : tickets de caisse, cartes clients". */
export function rolesText(t: T, roles: PrinterConfig['roles']): string {
  if (roles.length === 0) return t('printer.rolesNone');
  return t('printer.roles', { roles: roles.map((r) => t(`role.${r}`)).join(', ') });
}
