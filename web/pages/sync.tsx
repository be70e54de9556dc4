import type { SyncIssue } from '../../agent/sync/records.js';
import type { SyncStatus } from '../../agent/sync/status.js';
import { formatDateTime } from '../../agent/format.js';
import type { MessageKey } from '../i18n/translator.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { SyncPanel } from '../partials/sync-status.js';
import { fieldLabel } from '../partials/field-labels.js';
import { Table } from '../partials/table.js';

/**
 * /sync: the sync's state and the list of conflicts and refused edits, with the shop's and the
 * cloud's values side by side; the list reloads itself on `sync` events.
 */

export function SyncPage(props: { ctx: PageContext; status: SyncStatus; issues: readonly SyncIssue[]; error: string | null }) {
  const { ctx, status, issues } = props;
  const t = ctx.t;
  return (
    <Layout ctx={ctx} title={t('sync.title')} current="sync">
      <h1>{t('sync.title')}</h1>
      {props.error && (
        <div class="dialog" role="alert">
          <p>{t('sync.reapplyFailed', { reason: props.error })}</p>
        </div>
      )}
      <SyncPanel ctx={ctx} status={status} heading={false} />
      <section class="panel">
        <h2>{t('sync.issues')}</h2>
        <div id="sync-issues" hx-get="/sync/issues" hx-trigger="sse:sync delay:150ms, htmx:sseOpen from:body" hx-swap="innerHTML">
          <IssueList ctx={ctx} issues={issues} />
        </div>
      </section>
    </Layout>
  );
}

export function IssueList(props: { ctx: PageContext; issues: readonly SyncIssue[] }) {
  const { ctx, issues } = props;
  const t = ctx.t;
  if (issues.length === 0) return <p class="empty">{t('sync.issuesNone')}</p>;
  return (
    <ul class="issues">
      {issues.map((i) => (
        <li class="issue" data-issue={i.id} data-kind={i.kind}>
          <p>
            <span class="badge">{t(`sync.entity.${i.entity}`)}</span>{' '}
            {i.entity === 'client' && i.kind !== 'deleted-in-cloud' ? (
              <a href={`/clients/${encodeURIComponent(i.recordId)}`} class="name">
                {i.label || i.recordId}
              </a>
            ) : (
              <strong class="name">{i.label || i.recordId}</strong>
            )}{' '}
            <span class="sub">{formatDateTime(i.at, ctx.lang)}</span>
          </p>
          <p>{t(`sync.issue.${i.kind}`)}</p>
          <IssueReason ctx={ctx} issue={i} />
          {i.fields.length > 0 && (
            <Table class="results compact" columns={[{ label: t('sync.field') }, { label: t('sync.shopValue') }, { label: t('sync.cloudValue') }]}>
              {i.fields.map((f) => (
                <tr data-field={f.path}>
                  <td>{fieldLabel(ctx, f.path)}</td>
                  <td data-shop>{shown(ctx, f.path, f.shop)}</td>
                  <td data-cloud>{shown(ctx, f.path, f.cloud)}</td>
                </tr>
              ))}
            </Table>
          )}
          <div class="row-actions">
            <form method="post" action={`/sync/issues/${encodeURIComponent(i.id)}/reapply`}>
              <button type="submit" class="button" data-reapply>
                {t(`sync.reapply.${i.kind}`)}
              </button>
            </form>
            <form method="post" action={`/sync/issues/${encodeURIComponent(i.id)}/dismiss`}>
              <button type="submit" class="button secondary" data-dismiss-issue>
                {t('sync.dismiss')}
              </button>
            </form>
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The contract's refusals, and the agent's own (the cloud's answer could not be read). */
const REJECT_CODES = ['duplicate-reference', 'duplicate-name', 'group-in-use', 'validation', 'invalid-answer'] as const;
const isRejectCode = (code: string | null): code is (typeof REJECT_CODES)[number] => (REJECT_CODES as readonly (string | null)[]).includes(code);

/**
 * Why the back-office refused an edit: its code in the staff's words, its own message (in the
 * back-office's language, for support) one click away; a code unknown here shows the message.
 */
function IssueReason(props: { ctx: PageContext; issue: SyncIssue }) {
  const { ctx, issue } = props;
  const t = ctx.t;
  if (isRejectCode(issue.code)) {
    return (
      <div class="sub">
        <p>{t('sync.issue.why', { message: t(`sync.reject.${issue.code}`) })}</p>
        {issue.message && (
          <details>
            <summary>{t('sync.details')}</summary>
            <span>{issue.message}</span>
          </details>
        )}
      </div>
    );
  }
  if (!issue.message) return null;
  return <p class="sub">{t('sync.issue.why', { message: issue.code ? `${issue.message} (${issue.code})` : issue.message })}</p>;
}

/** A field's value as staff read it: the kind of client in their words, the rest as entered. */
function shown(ctx: PageContext, path: string, v: string | number | null): string {
  if (v === null || v === '') return ctx.t('sync.empty');
  if (path === 'kind' && (v === 'person' || v === 'company')) return ctx.t(`client.kind.${v}`);
  if (path === 'groupId' && typeof v === 'string') return ctx.groupName(v) ?? String(v);
  return String(v);
}
