import { type Context, Hono } from 'hono';
import { exportClientsCsv, exportHeaders } from '../../agent/directory/csv.js';
import { CsvFileError, decodeCsv, IMPORT_MAX_BYTES, importClientsCsv, ImportRefused, type ImportReport, parseCsv, planImport } from '../../agent/directory/csv-import.js';
import { formatCount } from '../../agent/format.js';
import type { Services } from '../../agent/services.js';
import type { PageDeps } from '../page-context.js';
import { FILE_PROBLEM_KEYS, ImportPage, type ImportView } from '../pages/import.js';
import { TokenShelf } from '../token-shelf.js';

/** Where the page's upload goes: the server lets its body past the usual 256 KiB, up to STAFF_IMPORT_MAX_BYTES. */
export const STAFF_IMPORT_PATH = '/clients/import';
/** The file's 20 MB, and room past it so that a file a little too big gets this page's answer, not a bare 413. */
export const STAFF_IMPORT_MAX_BYTES = IMPORT_MAX_BYTES + 5 * 1024 * 1024;

/** How long an uploaded file waits for "Importer", and how many are kept at once. */
const KEPT_MS = 60 * 60 * 1000;
const KEPT_MAX = 4;
const TOKEN = /^[A-Za-z0-9_-]{22}$/;

interface Upload {
  fileName: string;
  text: string;
  /** What the import did, once applied (a second click, a reload: the same answer, nothing imported twice). */
  done: ImportReport | null;
}

/**
 * /clients/import and /clients/export.csv: the directory as a spreadsheet, for staff. The file is
 * checked first (a dry run shown as a table); "Importer" applies that same upload, kept here
 * meanwhile, against the directory as it is then. Each step answers with a redirect (post, then
 * get), so a reload or Back never sends the file or the import again.
 */
export function importPages(deps: Pick<Services, 'directory'> & PageDeps) {
  const { directory, ctx, staff, page } = deps;
  const app = new Hono();
  app.use('*', staff);
  const shelf = new TokenShelf<Upload>(KEPT_MS, KEPT_MAX);
  /** Imports under way, by token: a second click waits for the first instead of importing again. */
  const running = new Map<string, Promise<ImportReport>>();
  const show = (c: Context, view: ImportView, status: 200 | 404 | 413 | 422 = 200) => c.html(page(<ImportPage ctx={ctx} view={view} />), status);

  app.get('/export.csv', (c) =>
    c.body(exportClientsCsv(directory), 200, exportHeaders()),
  );

  app.get('/import', (c) => show(c, { step: 'choose', problem: null }));

  app.post('/import', async (c) => {
    const form = await c.req.parseBody();
    const file = form.file;
    if (!(file instanceof File) || file.size === 0) return show(c, { step: 'choose', problem: { key: 'import.file.none' } }, 422);
    if (file.size > IMPORT_MAX_BYTES) return show(c, { step: 'choose', problem: { key: 'import.file.tooLarge', params: { mb: formatCount(IMPORT_MAX_BYTES / 1024 / 1024) } } }, 413);
    try {
      const { text } = decodeCsv(new Uint8Array(await file.arrayBuffer()));
      parseCsv(text); // a file that cannot be read is said here, before it is kept
      const token = shelf.keep({ fileName: file.name.slice(0, 200), text, done: null });
      return c.redirect(`/clients/import/${token}`, 303);
    } catch (err) {
      if (err instanceof CsvFileError) return show(c, { step: 'choose', problem: { key: FILE_PROBLEM_KEYS[err.problem], params: err.params } }, 422);
      throw err;
    }
  });

  app.get('/import/:token', (c) => {
    const token = c.req.param('token');
    const upload = TOKEN.test(token) ? shelf.get(token) : null;
    if (!upload) return show(c, { step: 'gone' }, 404);
    if (upload.done) return show(c, { step: 'done', fileName: upload.fileName, report: upload.done });
    // checked again each time it is shown: the directory may have changed since the upload
    const { report } = planImport(directory, parseCsv(upload.text));
    return show(c, { step: 'review', token, fileName: upload.fileName, report, refused: c.req.query('refused') === '1' });
  });

  app.post('/import/:token', async (c) => {
    const token = c.req.param('token');
    const upload = TOKEN.test(token) ? shelf.get(token) : null;
    const here = `/clients/import/${token}`;
    if (!upload || upload.done) return c.redirect(here, 303); // gone, or imported already: say so
    const form = await c.req.parseBody();
    let job = running.get(token);
    if (!job) {
      job = importClientsCsv(directory, upload.text, { dryRun: false, skipInvalid: form.skipInvalid === '1' });
      running.set(token, job);
      job.finally(() => running.delete(token)).catch(() => undefined); // its failure is answered below
    }
    try {
      const done = await job;
      shelf.set(token, { ...upload, done });
      return c.redirect(here, 303);
    } catch (err) {
      // lines that became invalid since the check (or "Importer" on a file with some): shown, nothing imported
      if (err instanceof ImportRefused) return c.redirect(`${here}?refused=1`, 303);
      throw err;
    }
  });

  return app;
}
