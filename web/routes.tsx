import { Hono } from 'hono';
import type { AgentConfig } from '../agent/config.js';
import type { Directory } from '../agent/directory/directory.js';
import { HomePage } from './pages/home.js';

/** The staff UI's routes. They go through the same Host/Origin middleware as the API. */
export function webRoutes(deps: { config: AgentConfig; directory: Directory; version: string }) {
  const app = new Hono();
  app.get('/', (c) =>
    c.html(
      <HomePage
        shopName={deps.config.shop.name}
        version={deps.version}
        clientCount={deps.directory.clientCount}
        groupCount={deps.directory.listGroups().length}
        lang={deps.config.ui.locale}
      />,
    ),
  );
  return app;
}
