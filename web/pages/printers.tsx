import type { JobRecord } from '../../agent/printing/jobs.js';
import type { PrinterConfig } from '../../agent/config.js';
import type { PrinterOut } from '../../agent/printing/printers.js';
import { formatDateTime } from '../i18n.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

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
        <table class="results jobs">
          <thead>
            <tr>
              <th>{t('printers.when')}</th>
              <th>{t('printers.ticket')}</th>
              <th>{t('settings.printer')}</th>
              <th>{t('settings.status')}</th>
              <th>
                <span class="visually-hidden">{t('printers.preview')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      )}
      <h2>{t('printers.audit')}</h2>
      {props.audit.length === 0 ? (
        <p class="sub">{t('printers.auditNone')}</p>
      ) : (
        <table class="results audit">
          <thead>
            <tr>
              <th>{t('printers.when')}</th>
              <th>{t('printers.what')}</th>
              <th>{t('settings.printer')}</th>
              <th>{t('printers.ticket')}</th>
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      )}
    </>
  );
}

/** Each printer with its live state: on the printers page (with its queue and a test page) and in the settings. */
export function PrinterTable(props: { ctx: PageContext; printers: readonly PrinterOut[]; config: readonly PrinterConfig[]; actions: boolean }) {
  const { ctx, printers } = props;
  const t = ctx.t;
  if (printers.length === 0) return <p class="empty">{t('settings.printersNone')}</p>;
  return (
    <table class="results">
      <thead>
        <tr>
          <th>{t('settings.printer')}</th>
          <th>{t('settings.transport')}</th>
          <th>{t('settings.status')}</th>
          {props.actions && <th class="num">{t('printers.queued')}</th>}
          {props.actions && (
            <th>
              <span class="visually-hidden">{t('printers.test')}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {printers.map((p) => {
          const c = props.config.find((x) => x.id === p.id);
          return (
            <tr data-printer-id={p.id}>
              <td>
                <strong>{p.name}</strong> <span class="sub">{p.id}</span>
                <div class="sub">{p.roles.join(', ')}</div>
              </td>
              <td>{c ? `${p.transport} · ${c.model} · ${c.width} col.` : p.transport}</td>
              <td data-status>
                <span class={`state state-${p.status === 'online' ? 'connected' : p.status === 'unknown' || p.status === 'busy' ? 'waiting' : 'error'}`} data-state={p.detail}>
                  {t(`printer.state.${p.detail}`)}
                </span>
              </td>
              {props.actions && <td class="num">{String(p.queued)}</td>}
              {props.actions && (
                <td class="actions-cell">
                  <div class="row-actions">
                    <button type="button" class="button secondary small" hx-post={`/printers/${encodeURIComponent(p.id)}/test`} hx-swap="none">
                      {t('printers.test')}
                    </button>
                  </div>
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
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
