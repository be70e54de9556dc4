import { CSV_COLUMNS, READ_ONLY } from '../../agent/directory/csv.js';
import type { CsvFileProblem, ImportAction, ImportError, ImportLine, ImportReport, ImportRuleCode } from '../../agent/directory/csv-import.js';
import { formatCount } from '../../agent/format.js';
import type { MessageKey } from '../i18n/translator.js';
import { ruleMessage } from '../i18n/translator.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { fieldLabel } from '../partials/field-labels.js';
import { Table } from '../partials/table.js';

/** The import page's states: choose a file, see what it would do, see what it did. */
export type ImportView =
  | { step: 'choose'; problem: { key: MessageKey; params?: Record<string, string | number> } | null }
  | { step: 'review'; token: string; fileName: string; report: ImportReport; refused: boolean }
  | { step: 'done'; fileName: string; report: ImportReport }
  | { step: 'gone' };

/** Lines the review lists at most (every invalid line first): a page of 10,000 rows helps nobody. */
export const LINES_SHOWN = 300;

export const FILE_PROBLEM_KEYS: Record<CsvFileProblem, MessageKey> = {
  empty: 'import.file.empty',
  malformed: 'import.file.malformed',
  'unknown-column': 'import.file.unknownColumn',
  'duplicate-column': 'import.file.duplicateColumn',
  'not-utf8': 'import.file.notUtf8',
  charset: 'import.file.charset',
};

const RULE_KEYS: Record<ImportRuleCode, MessageKey> = {
  'import-unnamed-column': 'import.rule.unnamedColumn',
  'import-extra-cell': 'import.rule.extraCell',
  'import-same-client': 'import.rule.sameClient',
  'import-same-reference': 'import.rule.sameReference',
  'import-id-unknown': 'import.rule.idUnknown',
};

const ACTION_KEYS: Record<ImportAction, MessageKey> = {
  create: 'import.action.create',
  update: 'import.action.update',
  unchanged: 'import.action.unchanged',
  invalid: 'import.action.invalid',
};

const isImportRule = (code: string | undefined): code is ImportRuleCode => code !== undefined && code in RULE_KEYS;

function errorText(ctx: PageContext, e: ImportError): string {
  if (isImportRule(e.code)) return ctx.t(RULE_KEYS[e.code], e.params);
  return ruleMessage(ctx.t, { path: e.column, message: e.message, ...(e.code ? { code: e.code } : {}), ...(e.params ? { params: e.params } : {}) });
}

function columnText(ctx: PageContext, e: ImportError): string {
  const n = e.params?.n;
  return (e.code === 'import-unnamed-column' || e.code === 'import-extra-cell') && n !== undefined ? ctx.t('import.columnN', { n }) : e.column;
}

/** Clients > Importer / exporter: a CSV in (checked first, then applied), the directory out. */
export function ImportPage(props: { ctx: PageContext; view: ImportView }) {
  const { ctx, view } = props;
  return (
    <Layout ctx={ctx} title={ctx.t('import.title')} current="directory">
      <p>
        <a class="back" href="/">
          {ctx.t('client.back')}
        </a>
      </p>
      <h1>{ctx.t('import.title')}</h1>
      {view.step === 'choose' && <Choose ctx={ctx} problem={view.problem} />}
      {view.step === 'gone' && <Gone ctx={ctx} />}
      {view.step === 'review' && <Review ctx={ctx} view={view} />}
      {view.step === 'done' && <Done ctx={ctx} view={view} />}
    </Layout>
  );
}

function Choose(props: { ctx: PageContext; problem: Extract<ImportView, { step: 'choose' }>['problem'] }) {
  const { ctx, problem } = props;
  return (
    <>
      <p class="care-intro">{ctx.t('import.intro')}</p>
      {problem && (
        <div class="banner" role="alert" data-problem>
          <p>{ctx.t(problem.key, problem.params)}</p>
        </div>
      )}
      <form method="post" action="/clients/import" enctype="multipart/form-data" class="panel import-choose">
        <h2>{ctx.t('import.choose.title')}</h2>
        <div class="field">
          <label for="import-file">{ctx.t('import.choose.file')}</label>
          <input type="file" id="import-file" name="file" accept=".csv,text/csv" required aria-describedby="import-file-hint" />
          <p class="sub" id="import-file-hint">
            {ctx.t('import.choose.hint')}
          </p>
        </div>
        <div class="actions">
          <button type="submit" class="button">
            {ctx.t('import.choose.submit')}
          </button>
        </div>
      </form>
      <section class="panel" id="export">
        <h2>{ctx.t('import.export.title')}</h2>
        <p>{ctx.t('import.export.intro')}</p>
        <p>
          <a class="button secondary" href="/clients/export.csv" download>
            {ctx.t('import.export.link')}
          </a>
        </p>
      </section>
      <section class="panel" id="columns">
        <h2>{ctx.t('import.columns.title')}</h2>
        <p>{ctx.t('import.columns.intro')}</p>
        <ul class="import-columns" aria-label={ctx.t('import.columns.title')}>
          {CSV_COLUMNS.filter((c) => !(READ_ONLY as readonly string[]).includes(c)).map((c) => (
            <li>
              <code lang="en">{c}</code> <span class="sub">{fieldLabel(ctx, c)}</span>
            </li>
          ))}
        </ul>
        <p class="sub import-read-only">{ctx.t('import.columns.readOnly')}</p>
        <ul class="import-columns" aria-label={ctx.t('import.columns.readOnly')}>
          {READ_ONLY.map((c) => (
            <li>
              <code lang="en">{c}</code> <span class="sub">{fieldLabel(ctx, c)}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function Gone(props: { ctx: PageContext }) {
  const { ctx } = props;
  return (
    <div class="banner" role="alert">
      <p>{ctx.t('import.gone')}</p>
      <div class="banner-actions">
        <a class="button" href="/clients/import">
          {ctx.t('import.again')}
        </a>
      </div>
    </div>
  );
}

function Counts(props: { ctx: PageContext; report: ImportReport; done: boolean }) {
  const { ctx, report: r, done } = props;
  const items: Array<[MessageKey, number, string]> = done
    ? [
        ['import.done.created', r.created, 'create'],
        ['import.done.updated', r.updated, 'update'],
        ['import.count.unchanged', r.unchanged, 'unchanged'],
        ['import.done.skipped', r.invalid, 'invalid'],
      ]
    : [
        ['import.count.create', r.created, 'create'],
        ['import.count.update', r.updated, 'update'],
        ['import.count.unchanged', r.unchanged, 'unchanged'],
        ['import.count.invalid', r.invalid, 'invalid'],
      ];
  return (
    <ul class="import-counts" data-counts>
      {items.map(([key, n, action]) => (
        <li class={`action-${action}`} data-count={action}>
          {ctx.t(key)} <strong>{formatCount(n)}</strong>
        </li>
      ))}
    </ul>
  );
}

/** The lines worth a look: every invalid one, then those that change something, in file order. */
function shownLines(lines: readonly ImportLine[]): { shown: ImportLine[]; hidden: number } {
  const invalid = lines.filter((l) => l.action === 'invalid').slice(0, LINES_SHOWN);
  const changes = lines.filter((l) => l.action === 'create' || l.action === 'update').slice(0, Math.max(0, LINES_SHOWN - invalid.length));
  const shown = [...invalid, ...changes].sort((a, b) => a.line - b.line);
  return { shown, hidden: lines.length - shown.length };
}

function Lines(props: { ctx: PageContext; report: ImportReport }) {
  const { ctx, report } = props;
  const { shown, hidden } = shownLines(report.lines);
  if (shown.length === 0) return null;
  return (
    <>
      <Table
        class="results import-lines"
        columns={[
          { label: ctx.t('import.col.line'), class: 'num col-line' },
          { label: ctx.t('import.col.action') },
          { label: ctx.t('import.col.name'), primary: true },
          { label: ctx.t('import.col.errors') },
        ]}
      >
        {shown.map((l) => (
          <tr data-line={String(l.line)} data-action={l.action}>
            <td class="num col-line">{String(l.line)}</td>
            <td>
              <span class={`badge action-${l.action}`}>{ctx.t(ACTION_KEYS[l.action])}</span>
            </td>
            <td class="name">{l.name ?? '—'}</td>
            <td>
              {l.errors && (
                <ul class="import-errors">
                  {l.errors.map((e) => (
                    <li data-column={e.column}>
                      <code>{columnText(ctx, e)}</code> {errorText(ctx, e)}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </Table>
      {hidden > 0 && <p class="count">{ctx.t('import.hidden', { n: formatCount(hidden) })}</p>}
    </>
  );
}

function Review(props: { ctx: PageContext; view: Extract<ImportView, { step: 'review' }> }) {
  const { ctx, view } = props;
  const r = view.report;
  const changes = r.created + r.updated;
  return (
    <>
      <h2 class="import-file">{ctx.t('import.review.title', { file: view.fileName })}</h2>
      {view.refused && (
        <div class="banner" role="alert">
          <p>{ctx.t('import.review.refused')}</p>
        </div>
      )}
      <Counts ctx={ctx} report={r} done={false} />
      {r.invalid > 0 && (
        <div class="banner" role="status" data-invalid>
          <p>{r.invalid === 1 ? ctx.t('import.review.invalid.one') : ctx.t('import.review.invalid', { n: formatCount(r.invalid) })}</p>
        </div>
      )}
      {changes === 0 && <p class="empty">{r.invalid > 0 ? ctx.t('import.review.nothingValid') : ctx.t('import.review.nothing')}</p>}
      <Lines ctx={ctx} report={r} />
      <form method="post" action={`/clients/import/${encodeURIComponent(view.token)}`} class="actions import-actions">
        {changes > 0 && (
          <button type="submit" class="button" {...(r.invalid > 0 ? { name: 'skipInvalid', value: '1' } : {})}>
            {ctx.t(r.invalid > 0 ? 'import.applyValid' : 'import.apply')}
          </button>
        )}
        <a class="button secondary" href="/clients/import">
          {ctx.t('import.another')}
        </a>
      </form>
    </>
  );
}

function Done(props: { ctx: PageContext; view: Extract<ImportView, { step: 'done' }> }) {
  const { ctx, view } = props;
  return (
    <>
      <div class="banner info" role="status" data-done>
        <p>{ctx.t('import.done', { file: view.fileName })}</p>
      </div>
      <Counts ctx={ctx} report={view.report} done />
      <Lines ctx={ctx} report={view.report} />
      <div class="actions">
        <a class="button" href="/">
          {ctx.t('import.toDirectory')}
        </a>
        <a class="button secondary" href="/clients/import">
          {ctx.t('import.another')}
        </a>
      </div>
    </>
  );
}
