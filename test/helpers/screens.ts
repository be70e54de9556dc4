import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations } from './axe.js';
import { screenshotPath } from './browser.js';

/**
 * The screens staff use: a till, a 10" tablet, a phone; and the widths in between and at either end
 * that the page promises (360 to 1920 px), where the layout changes: a large phone, a tablet held
 * upright, the menu folding (760 px) and the tables stacking (640 px).
 */
export const SCREENS = {
  phone: { width: 390, height: 844 },
  tablet: { width: 1280, height: 800 },
  till: { width: 1366, height: 768 },
} as const;
export const WIDTHS = [360, 430, 600, 640, 641, 700, 759, 760, 800, 1024, 1920] as const;
export type ScreenName = keyof typeof SCREENS;

/** How far the page scrolls sideways (0: it fits). */
export function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth);
}

export interface SmallTarget {
  what: string;
  width: number;
  height: number;
}

/**
 * Every visible thing to click or tap that is smaller than 48×48 px. A radio or checkbox counts by
 * its label (the label is what a finger presses). Links inside a sentence are exempt, as WCAG 2.5.8
 * exempts them: a line of text cannot be 48 px high.
 */
export function smallTargets(page: Page, min = 48): Promise<SmallTarget[]> {
  return page.evaluate((min) => {
    const out: Array<{ what: string; width: number; height: number }> = [];
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const inSentence = (el: Element) => {
      const parent = el.parentElement;
      if (!parent || el.tagName !== 'A') return false;
      const own = [...parent.childNodes].filter((n) => n !== el).map((n) => n.textContent ?? '').join('').trim();
      return own.length > 0;
    };
    for (const el of document.querySelectorAll(selector)) {
      let target: Element = el;
      if (el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox')) target = el.closest('label') ?? el;
      const style = getComputedStyle(target);
      const box = target.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || target.closest('[hidden], .visually-hidden')) continue;
      if (inSentence(el)) continue;
      if (box.width < min - 0.5 || box.height < min - 0.5) {
        const name = (el.getAttribute('aria-label') ?? (el as HTMLElement).innerText ?? el.getAttribute('name') ?? '').trim().slice(0, 40);
        out.push({ what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name}"`, width: Math.round(box.width), height: Math.round(box.height) });
      }
    }
    return out;
  }, min);
}

/** Elements that stick out of the viewport on the right (what makes a page scroll sideways). */
export function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.right > window.innerWidth + 0.5 && box.width > 0 && !el.closest('.visually-hidden')) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(box.right)}`);
    }
    return out.slice(0, 10);
  });
}

/**
 * Short words broken across two lines ("prêt" over "e"): a table squeezing a column of the staff's
 * words to make room for a long name. Words of up to 16 letters fit any column, so none may break;
 * a longer one (an 84-letter name) may. A hyphen or slash is a place a word may break, so each part
 * counts alone.
 */
export function brokenWords(page: Page, longest = 16): Promise<string[]> {
  return page.evaluate((longest) => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    // a text kept for screen readers in a 1 px box (a stacked table's headings) breaks by design
    const clipped = new Map<Element, boolean>();
    const inClippedBox = (el: Element | null): boolean => {
      if (!el || el === document.body) return false;
      let known = clipped.get(el);
      if (known === undefined) {
        known = el.getBoundingClientRect().width <= 1 || inClippedBox(el.parentElement);
        clipped.set(el, known);
      }
      return known;
    };
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style, .visually-hidden, [hidden], option, textarea') || inClippedBox(parent)) continue;
      const text = node.textContent ?? '';
      for (const m of text.matchAll(/[^\s\-/]+/g)) {
        if (m[0].length < 2 || m[0].length > longest) continue;
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) out.push(m[0]);
      }
    }
    return [...new Set(out)].slice(0, 10);
  }, longest);
}

/**
 * What is wrong with the page as it is, by kind (empty when nothing): sideways scroll (and what sticks
 * out), short words broken across lines, targets under 48 px, axe-core violations. `checks` picks the kinds (all by default).
 */
export async function screenProblems(page: Page, checks: { targets?: boolean; axe?: boolean } = {}): Promise<Record<string, unknown>> {
  const problems: Record<string, unknown> = {};
  const sideways = await sidewaysScroll(page);
  if (sideways > 0) problems[`scrolls sideways by ${sideways} px`] = await overflowing(page);
  const broken = await brokenWords(page);
  if (broken.length) problems['words broken across lines'] = broken;
  if (checks.targets !== false) {
    const small = await smallTargets(page);
    if (small.length) problems['targets under 48 px'] = small;
  }
  if (checks.axe !== false) {
    const violations = await axeViolations(page);
    if (violations.length) problems.axe = violations;
  }
  return problems;
}

/** A page at one of the screens, with axe allowed in (the pages' CSP lets no foreign script run) and the CSP's refusals collected. */
export async function pageAtScreen(browser: Browser, screen: ScreenName): Promise<{ page: Page; refused: string[] }> {
  const context = await browser.newContext({ viewport: SCREENS[screen], bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(5_000);
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  return { page, refused };
}

/** The page rules (no sideways scroll, no short word broken, 48 px targets, axe-core clean), checked on what is on screen now; then a screenshot to look at. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  expect(await screenProblems(page), name).toEqual({});
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
}
