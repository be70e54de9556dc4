import { type Context, Hono } from 'hono';
import { MERGE_PAGE_FIELDS, type MergePageField, type MergeSource, sameFieldValue, suggestedTake } from '../../agent/directory/care.js';
import type { ClientOut } from '../../agent/directory/schema.js';
import { AgentError, isKind, notFound } from '../../agent/errors.js';
import type { Services } from '../../agent/services.js';
import { isHtmx, type PageDeps } from '../page-context.js';
import { AnonymizePage } from '../pages/anonymize.js';
import { clientUrl } from '../urls.js';
import { type MergeBanner, MergeCandidates, MergePage, MergePickPage } from '../pages/merge.js';

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
/** How many clients the "find the other one" step lists. */
const CANDIDATES = 10;

/**
 * /clients/{id}/merge and /clients/{id}/anonymize: the staff side of directory care. Both post
 * plainly and answer with the card (303) once done, or the same page saying why not.
 */
export function carePages(deps: Pick<Services, 'directory' | 'care'> & PageDeps) {
  const { directory, care, ctx, staff, page } = deps;
  const app = new Hono();
  app.use('*', staff);
  const client = (id: string): ClientOut => {
    const c = directory.findById(id);
    if (!c) throw notFound('Client', id);
    return c;
  };

  const mergePage = (c: Context, status: 200 | 409 | 412 | 422, staying: ClientOut, other: ClientOut, opts: { banner?: MergeBanner; errors?: AgentError['errors']; chosen?: Record<string, string> } = {}) => {
    // staff's earlier choices stay where the field still differs; the rest gets the suggestion
    const take: Partial<Record<MergePageField, MergeSource>> = suggestedTake(staying, other);
    for (const field of MERGE_PAGE_FIELDS) {
      const v = opts.chosen?.[field];
      if ((v === 'id' || v === 'from' || v === 'both') && !sameFieldValue(staying, other, field)) take[field] = v;
    }
    const view = { staying, other, take, banner: opts.banner ?? null, errors: opts.errors ?? [] };
    return c.html(page(<MergePage ctx={ctx} view={view} />), status);
  };

  app.get('/:id/merge', (c) => {
    const staying = client(c.req.param('id'));
    const from = c.req.query('from');
    if (from !== undefined && from !== staying.id) return mergePage(c, 200, staying, client(from));
    // first, the other client: the search starts from this one's name (duplicates share one, mostly)
    const q = (c.req.query('q') ?? (staying.kind === 'company' ? staying.companyName : staying.lastName) ?? '').slice(0, 200);
    const items = q.trim() ? directory.search(q, CANDIDATES + 1).items.filter((o) => o.id !== staying.id).slice(0, CANDIDATES) : [];
    if (isHtmx(c)) return c.html(<MergeCandidates ctx={ctx} client={staying} q={q} items={items} />);
    return c.html(page(<MergePickPage ctx={ctx} client={staying} q={q} items={items} />));
  });

  app.post('/:id/merge', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const from = text(form.from);
    const chosen = Object.fromEntries(
      Object.entries(form)
        .filter(([k]) => k.startsWith('take.'))
        .map(([k, v]) => [k.slice('take.'.length), text(v)]),
    );
    // only what staff chose to take: "id" is what a field keeps anyway
    const take = Object.fromEntries(Object.entries(chosen).filter(([, v]) => v !== 'id'));
    try {
      await care.merge(id, { from, take }, { ifMatch: text(form.etag) || null, fromIfMatch: text(form.fromEtag) || null });
      return c.redirect(clientUrl(id), 303);
    } catch (err) {
      if (isKind(err, 'stale')) return mergePage(c, 412, client(id), client(from), { banner: 'stale', chosen });
      if (isKind(err, 'refused')) return mergePage(c, 409, client(id), client(from), { chosen }); // the page says which balance stops it
      if (err instanceof AgentError && err.kind === 'invalid' && err.errors) return mergePage(c, 422, client(id), client(from), { banner: 'invalid', errors: err.errors, chosen });
      throw err;
    }
  });

  app.get('/:id/anonymize', (c) => c.html(page(<AnonymizePage ctx={ctx} client={client(c.req.param('id'))} />)));

  app.post('/:id/anonymize', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    try {
      await care.anonymize(id, text(form.etag) || null);
      return c.redirect(clientUrl(id), 303);
    } catch (err) {
      // changed since the page was drawn: show what it holds now and ask again
      if (isKind(err, 'stale')) return c.html(page(<AnonymizePage ctx={ctx} client={client(id)} stale />), 412);
      throw err;
    }
  });

  return app;
}
