import type { SyncStatus } from '../../agent/sync/status.js';
import { formatCount, formatDateTime, formatTime } from '../../agent/format.js';
import type { MessageKey } from '../i18n/translator.js';
import type { PageContext } from '../page-context.js';

/**
 * The sync's state as staff see it: a badge in every page's header, a panel (settings and /sync)
 * with the state, what waits, the last sync and "sync now". Each part reloads itself on `sync` events.
 */

const STATE_CLASS: Record<SyncStatus['state'], string> = { idle: 'connected', syncing: 'connecting', offline: 'waiting', error: 'error' };

/** The header's badge; nothing when the agent runs without a cloud. */
export function SyncBadge(props: { ctx: PageContext; status: SyncStatus }) {
  const { ctx, status } = props;
  if (!status.enabled) return null;
  const t = ctx.t;
  const parts = [t(`sync.state.${status.state}`)];
  if (status.progress) parts.push(progressText(ctx, status.progress));
  else if (status.state === 'idle' && status.lastSyncAt && status.pending === 0) parts.push(formatTime(status.lastSyncAt, ctx.lang));
  if (status.pending > 0) parts.push(t('sync.badge.pending', { n: formatCount(status.pending) }));
  if (status.issues > 0) parts.push(t('sync.badge.issues', { n: status.issues }));
  return (
    <a href="/sync" class={`sync-badge state-${STATE_CLASS[status.state]}${status.issues > 0 ? ' has-issues' : ''}`} data-sync-state={status.state}>
      {parts.join(' · ')}
    </a>
  );
}

/** The stable element the badge lives in: it stays, its content is replaced (SSE swaps need a fixed target). */
export function SyncBadgeSlot(props: { ctx: PageContext; status: SyncStatus }) {
  if (!props.status.enabled) return null;
  return (
    <span id="sync-slot" hx-get="/sync/badge" hx-trigger="sse:sync delay:150ms, htmx:sseOpen from:body" hx-swap="innerHTML">
      <SyncBadge {...props} />
    </span>
  );
}

export function SyncPanel(props: { ctx: PageContext; status: SyncStatus; heading?: boolean }) {
  const { ctx, status } = props;
  const t = ctx.t;
  return (
    <section class="panel" id="sync">
      {props.heading !== false && <h2>{t('sync.title')}</h2>}
      <div hx-get="/sync/panel" hx-trigger="sse:sync delay:150ms, htmx:sseOpen from:body" hx-swap="innerHTML">
        <SyncFacts ctx={ctx} status={status} />
      </div>
    </section>
  );
}

export function SyncFacts(props: { ctx: PageContext; status: SyncStatus }) {
  const { ctx, status } = props;
  const t = ctx.t;
  if (!status.enabled) return <p>{t('settings.syncOff')}</p>;
  const reasonKey: MessageKey | null = status.problem ? `sync.reason.${status.problem}` : null;
  return (
    <>
      <dl class="facts">
        <dt>{t('settings.status')}</dt>
        <dd>
          <span class={`state state-${STATE_CLASS[status.state]}`} data-sync-state={status.state}>
            {t(`sync.state.${status.state}`)}
          </span>
          {status.progress && <span data-progress> — {progressText(ctx, status.progress)}</span>}
        </dd>
        <dt>{t('sync.url')}</dt>
        <dd>
          <code>{status.url}</code>
        </dd>
        <dt>{t('sync.pending')}</dt>
        <dd data-pending>{formatCount(status.pending)}</dd>
        <dt>{t('sync.lastSync')}</dt>
        <dd data-last-sync>{status.lastSyncAt ? formatDateTime(status.lastSyncAt, ctx.lang) : t('sync.never')}</dd>
        {status.nextAttemptAt && status.state !== 'idle' && (
          <>
            <dt>{t('sync.nextAttempt')}</dt>
            <dd>{formatDateTime(status.nextAttemptAt, ctx.lang)}</dd>
          </>
        )}
      </dl>
      {reasonKey && (
        <div class={`sync-reason ${status.state === 'error' ? 'is-error' : ''}`} role="status" data-problem={status.problem}>
          <p>{t(reasonKey)}</p>
          {/* the agent's English, for support: one click away */}
          {status.reason && (
            <details class="sub">
              <summary>{t('sync.details')}</summary>
              <span lang="en">{status.reason}</span>
            </details>
          )}
        </div>
      )}
      <form method="post" action="/sync/run" class="inline">
        <button type="submit" class="button secondary" data-sync-now disabled={status.state === 'syncing'}>
          {t('sync.now')}
        </button>
      </form>
    </>
  );
}

function progressText(ctx: PageContext, p: NonNullable<SyncStatus['progress']>): string {
  return p.estimated
    ? ctx.t('sync.progress', { n: formatCount(p.received), total: formatCount(p.estimated) })
    : ctx.t('sync.progressNoTotal', { n: formatCount(p.received) });
}
