import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import { codePageNames } from '../drivers/printer/codepage.js';
import { resolveLogos } from './printing/logo.js';
import { PRINTER_PROFILES, PROFILE_NAMES } from './printing/profiles.js';
import { KEYBOARD_LAYOUTS } from '../drivers/scanner/hid.js';
import { LOG_LEVELS } from './log.js';

/**
 * One schema for agent.config.json: it validates at start, fills defaults and produces the
 * committed agent.config.schema.json (see config-schema-write.ts), so the three cannot drift.
 */

const SCOPES = ['print', 'drawer', 'directory:read', 'directory:write', 'admin'] as const;
/** The staff pages' languages (ui.locale); French is the reference. */
export const UI_LOCALES = ['fr', 'de', 'en'] as const;
export type Locale = (typeof UI_LOCALES)[number];

export type Scope = (typeof SCOPES)[number];
export const ALL_SCOPES: readonly Scope[] = SCOPES;

const hexId = z
  .string()
  .regex(/^0x[0-9a-fA-F]{4}$/, { error: 'expected a 4-digit hex id such as "0x04b8"' })
  .describe('USB id as 0x followed by 4 hex digits');

const tokenString = z
  .string()
  .min(16, { error: 'a token must be at least 16 characters long (use a random string)' })
  .describe('API token (at least 16 characters)');

const tokenEntry = z.union([
  tokenString,
  z.strictObject({
    name: z.string().min(1).max(64).describe('who uses this token, e.g. "till-1"'),
    token: tokenString,
    scopes: z
      .array(z.enum(SCOPES))
      .min(1)
      .default([...SCOPES])
      .describe('what this token may do'),
  }),
]);

const tcpTransport = z.strictObject({
  type: z.literal('tcp'),
  host: z.string().min(1).describe('printer IP address or host name'),
  port: z.number().int().min(1).max(65535).default(9100),
});
const serialTransport = z.strictObject({
  type: z.literal('serial'),
  path: z.string().min(1).describe('/dev/ttyUSB0, /dev/ttyACM0 or COM3'),
  baudRate: z.number().int().positive().default(9600),
});
const usbTransport = z.strictObject({
  type: z.literal('usb'),
  vendorId: hexId,
  productId: hexId,
});
const fileTransport = z.strictObject({
  type: z.literal('file'),
  path: z.string().min(1).describe('a device node such as /dev/usb/lp0, or a file'),
});
const virtualTransport = z.strictObject({ type: z.literal('virtual') });

export const PRINTER_TRANSPORTS = [tcpTransport, serialTransport, usbTransport, fileTransport, virtualTransport].map((t) => t.shape.type.value);

const printerTransport = z.discriminatedUnion(
  'type',
  [tcpTransport, serialTransport, usbTransport, fileTransport, virtualTransport],
  { error: 'expected a transport with "type" one of tcp, serial, usb, file, virtual' },
);

/** What a printer prints: the tickets of these types go to it unless a request names a printer. */
export const PRINTER_ROLES = ['receipt', 'preparation', 'client'] as const;

const printerSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'use 1–32 letters, digits, "-" or "_"' }),
    name: z.string().min(1).max(64),
    roles: z.array(z.enum(PRINTER_ROLES)).default([]),
    profile: z.enum(PROFILE_NAMES).optional().describe('a known model: gives the model, width, dots, code pages and what it supports; the keys set here override it'),
    model: z.enum(['epson', 'star']).optional().describe('epson (ESC/POS) or star (Star Line mode); default epson, or the profile\'s'),
    width: z.number().int().min(24).max(64).optional().describe('characters per line: 32 (58 mm), 42 or 48 (80 mm); default 48, or the profile\'s'),
    dots: z.number().int().min(192).max(832).optional().describe('printable dots across the paper (576 on 80 mm, 384 on 58 mm); default 12 a character, or the profile\'s'),
    codePage: z.string().min(1).default('PC858_EURO'),
    transport: printerTransport,
    fallback: z.string().optional().describe('id of another printer that takes this one\'s jobs while it stays offline'),
    fallbackAfterSeconds: z.number().int().min(1).max(3600).default(30).describe('how long a job waits on this printer before going to the fallback'),
    stations: z.array(z.string().min(1).max(32)).default([]).describe('preparation stations this printer serves (kitchen, bar…): lines naming one print here'),
    logo: z.union([z.string().min(1), z.literal(false)]).optional().describe('a PNG printed at the top of receipts and client cards instead of shop.logo, or false for none on this printer'),
    status: z
      .boolean()
      .optional()
      .describe('false for a printer that cannot answer status requests (a clone without DLE EOT): a job is then done once sent and the connection closed cleanly; default true, or the profile\'s'),
    stallSeconds: z
      .number()
      .int()
      .min(1)
      .max(600)
      .default(10)
      .describe('a printer that takes no bytes and answers nothing this long (paper and cover fine) is stalled: its jobs wait, then go to the fallback'),
    rasterFallback: z.boolean().default(true).describe('text the code page cannot print is printed as an image (on printers that print images)'),
  })
  .superRefine((p, ctx) => {
    // a code page the printer lacks is refused here, not at each print
    const profile = p.profile ? PRINTER_PROFILES[p.profile] : null;
    const model = p.model ?? profile?.model ?? 'epson';
    const pages = profile && (p.model === undefined || p.model === profile.model) ? profile.codePages : codePageNames(model);
    if (!pages.includes(p.codePage)) {
      ctx.addIssue({ code: 'custom', path: ['codePage'], message: `${profile && pages === profile.codePages ? profile.label : `a ${model} printer`} has no code page ${JSON.stringify(p.codePage)}; it has ${pages.join(', ')}` });
    }
  })
  .transform(({ profile: name, ...p }) => {
    const profile = name ? PRINTER_PROFILES[name] : null;
    const width = p.width ?? profile?.width ?? 48;
    return {
      ...p,
      profile: name ?? null,
      model: p.model ?? profile?.model ?? 'epson',
      width,
      dots: p.dots ?? profile?.dots ?? width * 12,
      status: p.status ?? profile?.status ?? true,
      /** the printer prints QR codes and raster images (a profile can say it does not) */
      qr: profile?.qr ?? true,
      raster: profile?.raster ?? true,
    };
  });

const scannerSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { error: 'use 1–32 letters, digits, "-" or "_"' }),
  name: z.string().min(1).max(64),
  transport: z.discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('serial'),
        path: z.string().min(1).describe('/dev/ttyACM0, /dev/ttyUSB0 or COM4'),
        baudRate: z.number().int().positive().default(9600),
        prefix: z.string().max(16).optional().describe('characters the scanner sends before each code, stripped'),
        suffix: z.string().max(16).optional().describe('characters the scanner sends after each code (before CR/LF), stripped'),
        interByteTimeoutMs: z
          .number()
          .int()
          .min(0)
          .max(2000)
          .default(0)
          .describe('for a scanner set up without CR/LF: a pause this long ends a code (e.g. 50); 0: off'),
      }),
      z.strictObject({
        type: z.literal('usb'),
        vendorId: hexId,
        productId: hexId,
        mode: z.enum(['keyboard', 'pos']).default('keyboard').describe('HID keyboard reports, or HID POS barcode reports'),
        layout: z
          .enum(KEYBOARD_LAYOUTS)
          .default('us')
          .describe('keyboard mode: the keyboard layout the scanner emulates (the same scan types different characters)'),
      }),
    ],
    { error: 'expected a transport with "type" one of serial, usb' },
  ),
  duplicateWindowMs: z.number().int().min(0).max(10_000).default(500).describe('the same code again within this time is one scan'),
  stripAim: z.boolean().default(false).describe('remove an AIM symbology identifier (]E0…) before the code'),
});

function uniqueIds(kind: string) {
  return (items: Array<{ id: string }>, ctx: z.core.$RefinementCtx<Array<{ id: string }>>) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.id)) {
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate ${kind} id "${item.id}": every id must be unique` });
      }
      seen.add(item.id);
    });
  };
}

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    http: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1').describe('address to listen on; keep 127.0.0.1 unless the till is another machine'),
        port: z.number().int().min(0).max(65535).default(8410).describe('TCP port; 0 picks a free one (tests)'),
        allowedHosts: z.array(z.string().min(1)).default([]).describe('extra Host names accepted (DNS rebinding protection)'),
        allowedOrigins: z
          .array(z.string().regex(/^https?:\/\/[^/\s]+$/, { error: 'expected an origin such as "https://till.example.ch" (scheme and host, no path)' }))
          .default([])
          .describe('web origins allowed to call the API (CORS); never "*"'),
      })
      .prefault({}),
    api: z
      .strictObject({
        tokens: z.array(tokenEntry).default([]).describe('empty: the agent creates one token on first start'),
      })
      .prefault({}),
    ui: z
      .strictObject({
        locale: z.enum(UI_LOCALES).default('fr'),
        pin: z.string().min(4, { error: 'a PIN must have at least 4 characters' }).nullable().default(null),
      })
      .prefault({}),
    store: z.strictObject({ dir: z.string().min(1).default('./data') }).prefault({}),
    log: z
      .strictObject({
        level: z.enum(LOG_LEVELS).default('info').describe('the least serious lines written: info (everything), warn (problems only) or error'),
        file: z.boolean().default(true).describe('also write the log to store.dir/logs/agent.log (false: the console only)'),
        maxSizeMB: z
          .number()
          .min(0.001)
          .max(1024)
          .default(10)
          .describe('agent.log is rotated (to agent.1.log…) once it reaches this size, in megabytes'),
        maxFiles: z.number().int().min(2).max(100).default(5).describe('how many log files are kept, agent.log included; the oldest goes'),
      })
      .prefault({}),
    shop: z
      .strictObject({
        name: z.string().max(64).default(''),
        address: z.array(z.string().max(64)).max(6).default([]),
        vatNumber: z.string().max(64).nullable().default(null),
        country: z
          .string()
          .regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 code in capitals, such as "CH"' })
          .default('CH')
          .describe('the default country of phone numbers and addresses'),
        logo: z.string().min(1).nullable().default(null).describe('a PNG printed at the top of receipts and client cards (a path, relative to this file\'s folder)'),
        logoDithering: z
          .enum(['threshold', 'floyd-steinberg'])
          .default('threshold')
          .describe('how the logo becomes black and white: threshold (sharp lines and letters) or floyd-steinberg (photos, shades of grey)'),
      })
      .prefault({}),
    cloud: z
      .strictObject({
        url: z.url({ protocol: /^https?$/, error: 'expected the back-office URL, such as "https://cloud.example.ch"' }),
        token: z.string().min(1),
        intervalSeconds: z.number().int().min(5).max(3600).default(30),
      })
      .nullable()
      .default(null),
    printers: z.array(printerSchema).default([]).superRefine(uniqueIds('printer')),
    scanners: z.array(scannerSchema).default([]).superRefine(uniqueIds('scanner')),
  })
  .check((ctx) => {
    const c = ctx.value;
    c.printers.forEach((p, i) => {
      if (p.fallback !== undefined && (p.fallback === p.id || !c.printers.some((o) => o.id === p.fallback))) {
        ctx.issues.push({
          code: 'custom',
          input: p.fallback,
          path: ['printers', i, 'fallback'],
          message: `"${p.fallback}" is not another printer's id (printers: ${c.printers.map((o) => o.id).join(', ')})`,
        });
      }
    });
    if (!isLoopbackHost(c.http.host)) {
      if (c.api.tokens.length === 0) {
        ctx.issues.push({
          code: 'custom',
          input: c.api.tokens,
          path: ['api', 'tokens'],
          message: `http.host "${c.http.host}" is reachable from the network: list at least one API token, or listen on 127.0.0.1`,
        });
      }
      if (c.ui.pin === null) {
        ctx.issues.push({
          code: 'custom',
          input: c.ui.pin,
          path: ['ui', 'pin'],
          message: `http.host "${c.http.host}" is reachable from the network: set a staff PIN, or listen on 127.0.0.1`,
        });
      }
    }
  });

export type AgentConfig = z.infer<typeof configSchema>;
export type PrinterConfig = AgentConfig['printers'][number];
export type ScannerConfig = AgentConfig['scanners'][number];

export interface LoadedConfig {
  config: AgentConfig;
  /** Absolute path of the config file, or null for an in-memory config (tests). */
  file: string | null;
  /** store.dir resolved against the config file's folder. */
  storeDir: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Turns zod issues into one "path: what is wrong (what is allowed)" line each. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    let what: string = issue.message;
    if (issue.code === 'unrecognized_keys') {
      what = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling; see agent.config.schema.json)`;
    } else if (issue.code === 'invalid_value') {
      what = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (issue.code === 'invalid_type') {
      what = `expected ${article(issue.expected)}, got ${describe(issue.input)}`;
    } else if (issue.code === 'too_small' && issue.origin === 'string' && issue.minimum === 1) {
      what = 'must not be empty';
    } else if (issue.code === 'too_small' || issue.code === 'too_big') {
      const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' entries' : '';
      what = `expected ${bound}${unit}, got ${describe(issue.input)}`;
    }
    return `${where}: ${what}`;
  });
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  const json = JSON.stringify(v);
  return `${typeof v} ${json.length > 40 ? `${json.slice(0, 37)}...` : json}`;
}

export function parseConfig(raw: unknown, file: string): AgentConfig {
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(file, formatIssues(result.error.issues));
  return result.data;
}

export function loadConfigFile(file: string): LoadedConfig {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    throw new ConfigError(abs, [
      code === 'ENOENT'
        ? `(file): not found; create it (copy agent.config.json from the agent's folder) or pass --config <file>`
        : `(file): cannot be read (${code || String(err)}); check its permissions`,
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(abs, [`(file): not valid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const config = parseConfig(raw, abs);
  // the logos are read now: a missing or unreadable one stops the start, not a ticket
  const logoProblems = resolveLogos(config, path.dirname(abs));
  if (logoProblems.length) throw new ConfigError(abs, logoProblems);
  return { config, file: abs, storeDir: path.resolve(path.dirname(abs), config.store.dir) };
}

/** Chooses the config file: --config <file> first, then AGENT_CONFIG, then ./agent.config.json. */
export function configPathFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const i = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (i >= 0) {
    const arg = argv[i] ?? '';
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
    if (!value) throw new ConfigError('(command line)', ['--config: expected a file name after --config']);
    return value;
  }
  return env.AGENT_CONFIG || 'agent.config.json';
}

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  return { ...schema, title: 'Shop agent configuration (agent.config.json)' };
}
