import type { MiddlewareHandler } from 'hono';
import type { SyncStatus } from '../agent/sync/status.js';
import type { AssetUrls } from './assets.js';
import type { MessageKey } from './i18n/translator.js';

/** What every page and partial is drawn with: the staff's language, the shop, the assets. */
export interface PageContext {
  lang: string;
  /** Whether staff signed in with a PIN (then the header offers to sign out). */
  pinRequired: boolean;
  shopName: string;
  /** The shop's country (shop.country): how phone numbers are read and shown. */
  country: string;
  assets: AssetUrls;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** The cloud sync's state now, for the header's badge. */
  sync: () => SyncStatus;
  /** A group's name by its id (a conflict on a client's group names it), null when there is none. */
  groupName: (id: string) => string | null;
}

/** What each page's routes get besides their services: the context, the staff check, the page wrapper. */
export interface PageDeps {
  ctx: PageContext;
  /** Lets through staff with a session (or anyone when no PIN is set). */
  staff: MiddlewareHandler;
  page: (body: unknown) => string;
}

/** A whole page: JSX renders the elements, not the doctype that keeps browsers out of quirks mode. */
export const htmlPage = (body: unknown): string => '<!doctype html>' + String(body);

/** htmx asks for a part of a page; the same URL gives the whole page to a browser. */
export const isHtmx = (c: { req: { header(name: string): string | undefined } }): boolean => c.req.header('hx-request') === 'true';
