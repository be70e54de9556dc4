import type { JobRecord } from '../../agent/printing/jobs.js';
import type { PrinterConfig } from '../../agent/config.js';
import type { PrinterOut } from '../../agent/printing/model.js';
import { formatDateTime } from '../../agent/format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { PrinterTable } from '../partials/printer-table.js';
import { Table } from '../partials/table.js';

/** Printers: their state and queue, a test page, and the recent jobs with preview and reprint. */
export function PrintersPage(props: { ctx: PageContext; printers: PrinterOut[]; config: readonly PrinterConfig[]; jobs: JobRecord[]; audit: JobRecord[] }) {
  const t = props.ctx.t;
  return (
    <Layout ctx={props.ctx} title={t('printers.title')} current="printers">
      <h1>{t('printers.title')}</h1>
      {/* A stable element holds the live refresh: swapping its content never loses the listener. */}
      <div id="printers-live" hx-get="/printers/panel" hx-trigger="sse:job delay:300ms, sse:printer delay:100ms" hx-swap="innerHTML">
        <PrintersPanel {...props} />
      </div>
    </Layout>
  );
}

/** The live part: reloaded on every job and printer event (the content of #printers-live). */
export function PrintersPanel(props: { ctx: PageContext; printers: PrinterOut[]; config: readonly PrinterConfig[]; jobs: JobRecord[]; audit: JobRecord[] }) {
  const { ctx, printers, jobs } = props;
  const t = ctx.t;
  return (
    <>
      <PrinterTable ctx={ctx} printers={printers} config={props.config} actions />
      <h2>{t('printers.recent')}</h2>
      {jobs.length === 0 ? (
        <p class="empty">{t('printers.noJobs')}</p>
      ) : (
        <Table
          class="results jobs"
          columns={[
            { label: t('printers.when') },
            { label: t('printers.ticket') },
            { label: t('settings.printer') },
            { label: t('settings.status') },
            { label: t('printers.preview'), hidden: true },
          ]}
        >
          {jobs.map((j) => {
            return (
              <tr data-job-id={j.id}>
                <td>{formatDateTime(j.createdAt, ctx.lang)}</td>
                <td>
                  {t(`printers.type.${j.type}`)}
                  {auditMarks(j).map((key) => (
                    <span class="badge audit">{t(key)}</span>
                  ))}
                </td>
                <td>{j.printer}</td>
                <td data-job-status={j.status} data-confirmed={j.confirmed ?? undefined}>
                  {j.status === 'done' && j.confirmed ? t(`printers.confirmed.${j.confirmed}`) : t(`printers.status.${j.status}`)}
                  {j.error && <div class="sub">{j.error}</div>}
                  {j.warnings.map((w) => (
                    <div class="sub" data-job-warning>
                      {w}
                    </div>
                  ))}
                </td>
                <td class="actions-cell">
                  <div class="row-actions">
                    <a class="button secondary small" href={`/jobs/${encodeURIComponent(j.id)}/preview`} target="_blank" rel="noopener">
                      {t('printers.preview')}
                    </a>
                    <button
                      type="button"
                      class="button secondary small"
                      hx-post={`/jobs/${encodeURIComponent(j.id)}/reprint`}
                      hx-confirm={t('printers.reprintConfirm')}
                      hx-swap="none"
                    >
                      {t('printers.reprint')}
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </Table>
      )}
      <h2>{t('printers.audit')}</h2>
      {props.audit.length === 0 ? (
        <p class="sub">{t('printers.auditNone')}</p>
      ) : (
        <Table
          class="results audit"
          columns={[{ label: t('printers.when') }, { label: t('printers.what') }, { label: t('settings.printer') }, { label: t('printers.ticket') }]}
        >
          {props.audit.map((j) => (
            <tr data-job-id={j.id}>
              <td>{formatDateTime(j.createdAt, ctx.lang)}</td>
              <td>{auditMarks(j).map((key) => t(key)).join(', ')}</td>
              <td>{j.printer}</td>
              <td>
                <a href={`/jobs/${encodeURIComponent(j.id)}/preview`} target="_blank" rel="noopener">
                  {t(`printers.type.${j.type}`)}
                </a>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

/** What the audit cares about in a job: it opened the drawer, it is a reprint (after a crash, or asked for). */
function auditMarks(j: Pick<JobRecord, 'drawer' | 'reprint' | 'reprintOf'>): Array<'printers.drawer' | 'printers.reprinted' | 'printers.reprintOf'> {
  const marks: Array<'printers.drawer' | 'printers.reprinted' | 'printers.reprintOf'> = [];
  if (j.drawer) marks.push('printers.drawer');
  if (j.reprint) marks.push('printers.reprinted');
  if (j.reprintOf) marks.push('printers.reprintOf');
  return marks;
}
