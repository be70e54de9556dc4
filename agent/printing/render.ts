import type { AgentConfig, PrinterConfig } from '../config.js';
import type { Directory } from '../directory/directory.js';
import type { ClientOut } from '../directory/schema.js';
import { type FieldError, invalid } from '../errors.js';
import { type Block, encode } from '../../drivers/printer/escpos.js';
import type { PrintRequest } from './schema.js';
import { logoFor } from './logo.js';
import { jobWarning, type Notice } from './notices.js';
import { clientCardBlocks, preparationBlocks, receiptBlocks } from './tickets.js';

export interface Rendered {
  printer: PrinterConfig;
  blocks: Block[];
  /** what goes to the printer, once per copy */
  bytes: Buffer;
  /** what could not print as asked */
  warnings: Notice[];
  /** the ticket's number, when it has one */
  number: string | null;
  /** the client it names, when it names one */
  clientId: string | null;
}

/** The printer a request goes to: the one it names, or the first whose roles include its type. */
export function choosePrinter(config: AgentConfig, req: PrintRequest): PrinterConfig {
  if (req.printer !== undefined) {
    const named = config.printers.find((p) => p.id === req.printer);
    if (!named) {
      throw invalid([{ path: 'printer', message: `no printer has the id "${req.printer}" (configured: ${config.printers.map((p) => p.id).join(', ') || 'none'})` }]);
    }
    return named;
  }
  const byRole = config.printers.find((p) => p.roles.includes(req.type));
  if (!byRole) {
    throw invalid([{ path: 'printer', message: `no printer has the role "${req.type}": name one with "printer", or add the role to a printer in the config` }]);
  }
  return byRole;
}

function resolveClient(directory: Directory, ref: PrintRequest['client']): ClientOut | null {
  if (!ref) return null;
  const found = 'id' in ref ? directory.findById(ref.id) : directory.findByReference(ref.reference);
  if (!found) {
    const [key, value] = 'id' in ref ? ['id', ref.id] : ['reference', ref.reference];
    throw invalid([{ path: `client.${key}`, message: `no client has the ${key} "${value}" in this shop's directory` }]);
  }
  return found;
}

/**
 * A print request → one ticket per printer. A preparation ticket whose lines name stations is
 * split: each station's lines print on the printer that serves it; lines without a station (or
 * for a station no printer serves) on the request's printer.
 */
export function renderRequestAll(req: PrintRequest, config: AgentConfig, directory: Directory): Rendered[] {
  if (req.type !== 'preparation' || !req.ticket.lines.some((l) => l.station !== undefined)) return [renderRequest(req, config, directory)];
  const serving = (station: string) => config.printers.find((p) => p.stations.includes(station));
  const byPrinter = new Map<string, typeof req.ticket.lines>();
  const errors: FieldError[] = [];
  let unnamed: string | null = null;
  req.ticket.lines.forEach((line, i) => {
    const station = line.station;
    const printer = station === undefined ? undefined : serving(station);
    if (station !== undefined && !printer) {
      const stations = [...new Set(config.printers.flatMap((p) => p.stations))];
      errors.push({ path: `ticket.lines.${i}.station`, message: `no printer serves the station "${station}" (stations: ${stations.join(', ') || 'none configured'})` });
      return;
    }
    const id = printer ? printer.id : (unnamed ??= choosePrinter(config, req).id);
    byPrinter.set(id, [...(byPrinter.get(id) ?? []), line]);
  });
  if (errors.length) throw invalid(errors);
  return [...byPrinter.entries()].map(([printer, lines]) => renderRequest({ ...req, printer, ticket: { ...req.ticket, lines } }, config, directory));
}

/** A print request → the paper's blocks and the printer's bytes (the preview decodes those bytes). */
export function renderRequest(req: PrintRequest, config: AgentConfig, directory: Directory): Rendered {
  const printer = choosePrinter(config, req);
  const client = resolveClient(directory, req.client);
  const locale = config.ui.locale;
  let blocks: Block[];
  if (req.type === 'receipt') blocks = receiptBlocks(req.ticket, config.shop, locale, client, req.openDrawer ?? false, logoFor(config, printer));
  else if (req.type === 'preparation') blocks = preparationBlocks(req.ticket, locale, client, config.shop.country);
  else {
    if (!client) throw invalid([{ path: 'client', message: 'a client card needs { "id" } or { "reference" } of the client' }]);
    blocks = clientCardBlocks(client, config.shop, locale, logoFor(config, printer));
  }
  const warnings: Notice[] = [];
  const bytes = encode(blocks, {
    model: printer.model,
    width: printer.width,
    codePage: printer.codePage,
    dots: printer.dots,
    qr: printer.qr,
    raster: printer.raster,
    rasterFallback: printer.rasterFallback,
    warn: (text, said) => warnings.push(jobWarning(said.code, text, { data: said.data })),
  });
  return { printer, blocks, bytes, warnings, number: req.type === 'client' ? null : req.ticket.number, clientId: client?.id ?? null };
}
