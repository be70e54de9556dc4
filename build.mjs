// `npm run build`: bundles the agent's commands into dist/*.mjs, so running them needs Node and the
// production dependencies only (no TypeScript loader: ≈40 MB less memory, no compilation at each
// start). Pure-JavaScript packages are bundled too; native ones and those read as files stay in node_modules.
//
// `npm run package` (`node build.mjs --package [--out <folder>]`): writes one archive an installer copies
// to a till without internet: dist/, the production node_modules of THIS platform (native modules
// are per platform), the Node runtime that built it, the default config, README and docs.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

export const ENTRY_POINTS = {
  main: 'agent/main.ts', // the agent
  'store-cli': 'agent/store-cli.ts', // check, backup, restore, reset a stopped agent's store
  devices: 'agent/devices.ts', // serial ports and USB devices, to fill in the config
  service: 'agent/service-cli.ts', // install, uninstall, status: the agent starting with the PC
  diagnose: 'agent/diagnose-cli.ts', // the diagnostics archive for support
};

/** Left out of the bundle, loaded from node_modules (see bundle()). */
const EXTERNAL_PACKAGES = ['@napi-rs/canvas', 'serialport', '@serialport/*', 'usb', 'node-windows', 'node-thermal-printer', 'swagger-ui-dist', 'htmx.org', 'htmx-ext-sse', '@fontsource/*', 'dejavu-fonts-ttf'];

async function bundle(outdir) {
  await build({
    entryPoints: ENTRY_POINTS,
    absWorkingDir: ROOT,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Pure-JavaScript packages go into the bundle: resolving and loading ~15 packages' modules from
    // node_modules took ~0.2 s of every start. Native modules, and packages read as files at run
    // time (assets, fonts, node-windows' wrapper, node-thermal-printer's tables), stay outside.
    external: EXTERNAL_PACKAGES,
    // the CommonJS packages in the bundle call require() for Node's own modules
    banner: { js: "import { createRequire as __agentRequire } from 'node:module'; const require = __agentRequire(import.meta.url);" },
    // Stack traces name the TypeScript file and line through the map (--enable-source-maps), which
    // Node keeps parsed for the agent's whole life: without the sources' text in it, and without
    // the bundle's comments and indentation (their "→" and "é" made V8 hold the whole 2.9 MB bundle
    // as two bytes a character), the running agent is ~7 MB smaller (measured: 108 → 101 MB empty).
    sourcemap: true,
    sourcesContent: false,
    minifyWhitespace: true,
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    logLevel: 'warning',
  });
}

/** What the built agent reads at run time from beside dist/ (web/assets.ts, agent/agent.ts). */
const RUNTIME_FILES = ['web/static', 'package.json', 'package-lock.json', 'agent.config.json', 'agent.config.schema.json', 'README.md', 'docs'];

/**
 * The production packages, read from the lock file rather than by `npm prune`: it needs no network
 * and no npm, and copies exactly what `npm ci --omit=dev` would keep. Optional packages for other
 * platforms are in the lock but not on disk; they are skipped.
 */
function productionPackages() {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages)
    .filter(([where, entry]) => where.startsWith('node_modules/') && !entry.dev && existsSync(path.join(ROOT, where)))
    .map(([where]) => where);
}

async function makePackage(outDir) {
  const { create } = await import('tar');
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const name = `shop-agent-${pkg.version}-${process.platform}-${process.arch}`;
  const staging = mkdtempSync(path.join(tmpdir(), 'shop-agent-package-'));
  try {
    const top = path.join(staging, name);
    // built afresh into the package rather than copied from dist/, which running agents and tests use
    await bundle(path.join(top, 'dist'));
    for (const file of RUNTIME_FILES) cpSync(path.join(ROOT, file), path.join(top, file), { recursive: true });
    // Nested packages (node_modules/a/node_modules/b) come with their parent's copy; copying them
    // again is harmless, but a dev parent must not drag its children in, hence one entry at a time.
    for (const where of productionPackages()) {
      cpSync(path.join(ROOT, where), path.join(top, where), {
        recursive: true,
        filter: (src) => src === path.join(ROOT, where) || !src.startsWith(path.join(ROOT, where, 'node_modules')),
      });
    }
    mkdirSync(path.join(top, 'runtime'));
    const nodeName = process.platform === 'win32' ? 'node.exe' : 'node';
    cpSync(process.execPath, path.join(top, 'runtime', nodeName));
    writeFileSync(
      path.join(top, 'INSTALL.txt'),
      [
        `Shop agent ${pkg.version} for ${process.platform}-${process.arch}, with Node ${process.version}.`,
        '',
        'Everything needed is in this folder; no internet and no npm are needed.',
        `  Start:   ${process.platform === 'linux' ? 'GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072 ' : ''}runtime/${nodeName} --enable-source-maps --max-semi-space-size=8 dist/main.mjs --config agent.config.json`,
        `  Devices: runtime/${nodeName} dist/devices.mjs`,
        `  Store:   runtime/${nodeName} dist/store-cli.mjs check`,
        `  Service: runtime/${nodeName} dist/service.mjs install (as root / an administrator; see docs/service.md)`,
        `  Support: runtime/${nodeName} dist/diagnose.mjs   (the diagnostics archive)`,
        'See README.md and docs/ for the configuration and the service that starts the agent with the PC.',
        '',
      ].join('\n'),
    );
    mkdirSync(outDir, { recursive: true });
    const archive = path.join(outDir, `${name}.tar.gz`);
    await create({ gzip: true, file: archive, cwd: staging, portable: true }, [name]);
    const mb = (statSync(archive).size / 1e6).toFixed(1);
    process.stdout.write(`${archive} (${mb} MB)\n`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args[0] === '--package') {
    // `npm run package [-- --out <folder>]`; the archive goes to dist/ by default
    const out = args[1] === '--out' && args[2] ? path.resolve(args[2]) : path.join(ROOT, 'dist');
    await makePackage(out);
  } else {
    await bundle('dist');
  }
}
