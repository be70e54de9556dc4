import { Hono } from 'hono';
import { agentDiagnostics } from '../agent/diagnostics/from-agent.js';
import type { Services } from '../agent/services.js';
import { syncStatusOf } from '../agent/sync/status.js';
import { assets } from './assets.js';
import { rememberStaffErrorPages, staffErrorHandler, type StaffErrorPages } from './error-pages.js';
import { translator } from './i18n/translator.js';
import { htmlPage, type PageContext, type PageDeps } from './page-context.js';
import { staffPageHeaders } from './page-headers.js';
import { apiDocsPages } from './routes/api-docs.js';
import { carePages } from './routes/care.js';
import { duplicatePages } from './routes/duplicates.js';
import { clientPages } from './routes/clients.js';
import { directoryPages } from './routes/directory.js';
import { groupPages } from './routes/groups.js';
import { importPages } from './routes/import.js';
import { livePages } from './routes/live.js';
import { loginPages } from './routes/login.js';
import { jobPages, printerPages } from './routes/printers.js';
import { settingsPages } from './routes/settings.js';
import { syncPages } from './routes/sync.js';
import { hasStaffSession, requireStaff, StaffSessions } from './session.js';


/**
 * The staff UI: one sub-app per page, each given only the services it uses. They go through the
 * same Host/Origin middleware as the API (so a form posted from another site gets 403).
 */
export function webRoutes(services: Services, api: { apiDocument: () => unknown }) {
  const { config } = services;
  const app = new Hono();
  const { urls, routes, favicon } = assets();
  const sessions = new StaffSessions(config.ui.pin);
  const ctx: PageContext = {
    lang: config.ui.locale,
    pinRequired: sessions.required,
    shopName: config.shop.name,
    country: config.shop.country,
    assets: urls,
    t: translator(config.ui.locale),
    sync: () => syncStatusOf(services.sync),
    groupName: (id) => services.directory.listGroups().find((g) => g.id === id)?.name ?? null,
  };
  const pages: PageDeps = { ctx, staff: requireStaff(sessions), page: htmlPage };
  const errorPages: StaffErrorPages = { ctx, log: services.log, signedIn: (c) => hasStaffSession(sessions, c) };

  app.onError(staffErrorHandler(errorPages));
  app.use('*', staffPageHeaders, rememberStaffErrorPages(errorPages));
  app.route('/static', routes);
  // Browsers and bookmarks ask for /favicon.ico whatever the page links: the same icon, no 404.
  app.get('/favicon.ico', (c) => c.body(new Uint8Array(favicon.body), 200, { 'Content-Type': favicon.type, 'Cache-Control': 'public, max-age=86400' }));
  app.route('/', loginPages({ sessions, ...pages }));
  const { directory, printers, print, jobs, scanners, sync, syncIssues } = services;
  app.route('/', directoryPages({ directory, ...pages }));
  app.route('/', livePages({ events: services.events, closing: services.closing, log: services.log, scans: services.scans, ...pages }));
  app.route('/clients', importPages({ directory, ...pages })); // before /clients/{id}: import and export.csv are no ids
  app.route('/clients', clientPages({ directory, print, config, ...pages }));
  app.route('/clients', carePages({ directory, care: services.care, ...pages }));
  app.route('/duplicates', duplicatePages({ directory, ...pages }));
  app.route('/groups', groupPages({ directory, ...pages }));
  app.route('/printers', printerPages({ printers, print, jobs, config, directory, ...pages }));
  app.route('/jobs', jobPages({ print, ...pages }));
  app.route('/settings', settingsPages({ version: services.version, agentId: services.agentId, tokens: services.tokens, config, scanners, printers, diagnostics: () => agentDiagnostics(services), ...pages }));
  app.route('/sync', syncPages({ sync, syncIssues, ...pages }));
  app.route('/api/v1/docs', apiDocsPages({ staff: pages.staff, document: api.apiDocument, lang: config.ui.locale }));
  return app;
}
