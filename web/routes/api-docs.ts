import { Hono } from 'hono';
import { contentTag, packageFile, staticFile } from '../assets.js';
import type { PageDeps } from '../page-context.js';

/**
 * The browsable API reference at /api/v1/docs: Swagger UI (swagger-ui-dist, from node_modules like
 * htmx: it works without internet) showing the agent's own OpenAPI document. It is a staff page:
 * a browser cannot send the bearer token, so it asks for the staff session (the PIN, when set)
 * like the settings page that lists the tokens, and reads the document from beside itself. "Try it
 * out" still needs a token (Authorize), as any program's request does.
 */

interface DocsDeps extends Pick<PageDeps, 'staff'> {
  document: () => unknown;
  lang: string;
}

export function apiDocsPages({ staff, document, lang }: DocsDeps) {
  // read at the first visit, not at start: Swagger UI is 1.6 MB an agent seldom serves
  let loaded: { files: Record<string, { body: Buffer; type: string }>; page: string } | null = null;
  const load = () => {
    if (loaded) return loaded;
    const files: Record<string, { body: Buffer; type: string }> = {};
    const add = (name: string, body: Buffer, type: string) => {
      const [base, ext] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.'))];
      const named = `${base}-${contentTag(body)}${ext}`;
      files[named] = { body, type };
      return `/api/v1/docs/${named}`;
    };
    const css = add('swagger-ui.css', packageFile('swagger-ui-dist', 'swagger-ui.css'), 'text/css; charset=utf-8');
    const bundle = add('swagger-ui-bundle.js', packageFile('swagger-ui-dist', 'swagger-ui-bundle.js'), 'text/javascript; charset=utf-8');
    const init = add('api-docs.js', staticFile('api-docs.js'), 'text/javascript; charset=utf-8');
    const page =
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>Shop agent — API reference</title><link rel="stylesheet" href="${css}"></head>` +
      `<body><div id="swagger-ui" data-spec="/api/v1/docs/openapi.json"></div>` +
      `<script src="${bundle}"></script><script src="${init}"></script></body></html>`;
    loaded = { files, page };
    return loaded;
  };

  const app = new Hono();
  app.get('/', staff, (c) => c.html(load().page));
  app.get('/openapi.json', staff, (c) => c.json(document()));
  app.get('/:name', (c) => {
    const name = c.req.param('name');
    const { files } = load();
    const file = Object.hasOwn(files, name) ? files[name] : undefined;
    if (!file) return c.notFound();
    return c.body(new Uint8Array(file.body), 200, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=31536000, immutable' });
  });
  return app;
}
