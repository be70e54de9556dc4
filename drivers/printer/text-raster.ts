import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type MonoImage, toMono } from './raster.js';

/**
 * A line of text no code page can print (`Владимир`, `王伟`, `محمد`), drawn as an image the
 * width of the paper with fonts the agent ships: DejaVu Sans (Latin, Greek, Cyrillic, Arabic,
 * Hebrew…) and Noto Sans SC (Chinese, and the Japanese and Korean it covers). @napi-rs/canvas
 * (Skia, prebuilt for every platform the agent runs on, no system libraries) shapes the text and
 * orders right-to-left scripts. It is a native module: it is loaded the first time a line needs it,
 * never by an agent whose tickets fit their code page.
 */

interface Canvas {
  getContext(kind: '2d'): Context2d;
}
interface Context2d {
  fillStyle: string;
  font: string;
  textBaseline: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
interface CanvasModule {
  createCanvas(width: number, height: number): Canvas;
  GlobalFonts: { registerFromPath(file: string, family: string): unknown };
}

const require = createRequire(import.meta.url);
let canvas: CanvasModule | null = null;

function isCanvasModule(m: unknown): m is CanvasModule {
  return typeof m === 'object' && m !== null && 'createCanvas' in m && typeof m.createCanvas === 'function' && 'GlobalFonts' in m;
}

function load(): CanvasModule {
  if (canvas) return canvas;
  const m: unknown = require('@napi-rs/canvas');
  if (!isCanvasModule(m)) throw new Error('@napi-rs/canvas did not load as expected: reinstall the agent (npm ci)');
  m.GlobalFonts.registerFromPath(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), 'AgentSans');
  m.GlobalFonts.registerFromPath(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'), 'AgentSans');
  // Noto Sans SC comes in slices by Unicode range; the text's characters pick their slice
  const cjk = path.join(path.dirname(require.resolve('@fontsource/noto-sans-sc/package.json')), 'files');
  for (const f of readdirSync(cjk)) if (f.endsWith('-400-normal.woff2')) m.GlobalFonts.registerFromPath(path.join(cjk, f), 'AgentCJK');
  canvas = m;
  return m;
}

export type LineSize = 'normal' | 'tall' | 'large';
export type LineAlign = 'left' | 'center' | 'right';

/**
 * The line (or a pair: a label on the left, an amount on the right) as the printer's own font would set it: 24 dots high (48 tall or large; large also
 * twice as wide), aligned on the paper, in black on white, 1-bit.
 */
export function rasterLine(text: string | { left: string; right: string }, dots: number, opts: { size?: LineSize; align?: LineAlign; bold?: boolean } = {}): MonoImage {
  const { createCanvas } = load();
  const size = opts.size ?? 'normal';
  const height = size === 'normal' ? 24 : 48;
  const c = createCanvas(dots, height);
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, dots, height);
  const sx = size === 'large' ? 2 : 1;
  const sy = size === 'normal' ? 1 : 2;
  g.setTransform(sx, 0, 0, sy, 0, 0);
  g.font = `${opts.bold ? 'bold ' : ''}21px AgentSans, AgentCJK`;
  g.textBaseline = 'top';
  g.fillStyle = '#000';
  const draw = (t: string, align: LineAlign | undefined) => {
    const w = g.measureText(t).width * sx;
    const x = align === 'center' ? (dots - w) / 2 : align === 'right' ? dots - w : 0;
    g.fillText(t, Math.max(0, x) / sx, 1);
  };
  // a pair's two sides are set apart, each in its own direction (a right-to-left label keeps its amount on the right)
  if (typeof text === 'string') draw(text, opts.align);
  else {
    draw(text.left, 'left');
    draw(text.right, 'right');
  }
  // anti-aliased strokes count as ink from a lighter grey: thin strokes (щ, ي) stay whole on paper
  return toMono(Uint8Array.from(g.getImageData(0, 0, dots, height).data), dots, height, dots, 'threshold', 176);
}
