import { errorOf, type JobRecord, warningsOf } from '../../agent/printing/jobs.js';
import type { PrinterConfig } from '../../agent/config.js';
import type { PrinterOut } from '../../agent/printing/model.js';
import { formatDateTime } from '../../agent/format.js';
import { jobErrorText, jobWarningText } from '../i18n/translator.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { PrinterTable } from '../partials/printer-table.js';
import { Table } from '../partials/table.js';

export interface PrintersView {
  ctx: PageContext;
  printers: PrinterOut[];
  config: readonly PrinterConfig[];
  jobs: JobRecord[];
  audit: JobRecord[];
  /** the client's name as the directory has it now (null: no such client any more) */
  clientName: (id: string) => string | null;
}

/** Printers: their state and queue, a test page, and the recent jobs with preview and reprint. */
export function PrintersPage(props: PrintersView) {
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
export function PrintersPanel(props: PrintersView) {
  const { ctx, printers, jobs } = props;
  const t = ctx.t;
  // a job names its printer by id; staff know the printers by name
  const printerName = (id: string) => props.config.find((p) => p.id === id)?.name ?? id;
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
            { label: t('printers.number') },
            { label: t('printers.type') },
            { label: t('printers.client') },
            { label: t('settings.printer') },
            { label: t('printers.when') },
            { label: t('settings.status') },
            { label: t('printers.preview'), hidden: true },
          ]}
        >
          {jobs.map((j) => {
            const client = j.clientId === null ? null : props.clientName(j.clientId);
            return (
              <tr data-job-id={j.id}>
                <td class="ticket-number" data-job-number>
                  <TicketNumber ctx={ctx} job={j} />
                </td>
                <td class="words">
                  {t(`printers.type.${j.type}`)}
                  {auditMarks(j).map((key) => (
                    <>
                      {' '}
                      <span class="badge audit">{t(key)}</span>
                    </>
                  ))}
                </td>
                <td data-job-client>{client !== null && j.clientId !== null && <a href={`/clients/${encodeURIComponent(j.clientId)}`}>{client}</a>}</td>
                <td class="words" data-job-printer={j.printer}>{printerName(j.printer)}</td>
                <td class="words">{formatDateTime(j.createdAt, ctx.lang)}</td>
                <td class="words" data-job-status={j.status} data-confirmed={j.confirmed ?? undefined}>
                  {j.status === 'done' && j.confirmed ? t(`printers.confirmed.${j.confirmed}`) : t(`printers.status.${j.status}`)}
                  <JobNotices ctx={ctx} job={j} />
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
              <td>{printerName(j.printer)}</td>
              <td>
                <a href={`/jobs/${encodeURIComponent(j.id)}/preview`} target="_blank" rel="noopener">
                  {j.number === null ? t(`printers.type.${j.type}`) : `${t(`printers.type.${j.type}`)} ${j.number}`}
                </a>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

/** The ticket's number as the till sent it; a ticket without one (a test page, a client card) by the end of its job id. */
function TicketNumber(props: { ctx: PageContext; job: JobRecord }) {
  const { job } = props;
  if (job.number !== null) return <>{job.number}</>;
  return (
    <span class="sub" title={props.ctx.t('printers.jobId', { id: job.id })}>
      {shortJobId(job.id)}
    </span>
  );
}

/** Enough of a job id to tell the recent tickets apart: the end of its random part. */
export const shortJobId = (id: string): string => id.slice(-6);

/**
 * Why a job waits or failed, and what did not print as asked, in the staff's words. The English
 * the till gets stays one click away, for support: it names the address, the port, the system's error.
 */
function JobNotices(props: { ctx: PageContext; job: JobRecord }) {
  const t = props.ctx.t;
  const error = errorOf(props.job);
  const said = error && jobErrorText(t, error);
  return (
    <>
      {error && (
        <div class="sub" data-job-error={error.coded?.code}>
          {said === error.text ? (
            <span lang="en">{error.text}</span>
          ) : (
            <>
              {said}
              <details>
                <summary>{t('printers.detail')}</summary>
                <span lang="en">{error.text}</span>
              </details>
            </>
          )}
        </div>
      )}
      {warningsOf(props.job).map((w) => {
        const warning = jobWarningText(t, w);
        return (
          <div class="sub" data-job-warning={w.coded?.code}>
            {warning === w.text ? <span lang="en">{w.text}</span> : warning}
          </div>
        );
      })}
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
