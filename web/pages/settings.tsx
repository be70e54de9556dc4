import { ALL_SCOPES, type AgentConfig } from '../../agent/config.js';
import type { ApiToken } from '../../agent/secrets.js';
import type { ScannerStatus } from '../../drivers/scanner/types.js';
import type { PrinterOut } from '../../agent/printing/model.js';
import { SyncPanel } from '../partials/sync-status.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { Table } from '../partials/table.js';
import { PrinterTable } from '../partials/printer-table.js';
import { transportText } from '../partials/device-words.js';

export interface SettingsInfo {
  version: string;
  agentId: string;
  tokens: readonly ApiToken[];
  config: AgentConfig;
  /** Where the till reaches this agent, as the browser sees it. */
  apiUrl: string;
  scanners: readonly ScannerStatus[];
  printers: readonly PrinterOut[];
}

/**
 * Only the end of a token is in the page; Copy and Show fetch the whole of it with the staff session
 * (GET /settings/tokens/<n>), so a saved page, the browser's cache or a screenshot never holds it.
 */
export function maskToken(token: string): string {
  return `••••••••${token.slice(-4)}`;
}

/** A token's name as the installer wrote it; one the agent named, in the staff's words. */
function tokenName(ctx: PageContext, tok: ApiToken): string {
  if (tok.unnamed === 'generated') return ctx.t('settings.tokenGenerated');
  if (tok.unnamed !== undefined) return ctx.t('settings.tokenUnnamed', { n: tok.unnamed });
  return tok.name;
}

/** What a token may do, in the staff's words: "tous les droits", or each right. */
function scopesText(ctx: PageContext, scopes: ApiToken['scopes']): string {
  if (ALL_SCOPES.every((s) => scopes.includes(s))) return ctx.t('settings.scopesAll');
  return scopes.map((s) => ctx.t(`scope.${s}`)).join(', ');
}

/** Settings and status: what an installer needs to connect the till, and the state of each part. */
export function SettingsPage(props: { ctx: PageContext; info: SettingsInfo }) {
  const { ctx, info } = props;
  const t = ctx.t;
  const { config } = info;
  return (
    <Layout ctx={ctx} title={t('settings.title')} current="settings">
      <h1>{t('settings.title')}</h1>

      <section class="panel" id="till">
        <h2>{t('settings.till')}</h2>
        <p class="sub">{t('settings.tillHelp')}</p>
        <dl class="facts">
          <dt>{t('settings.apiUrl')}</dt>
          <dd>
            <code>{breakableUrl(`${info.apiUrl}/api/v1`)}</code> · <a href="/api/v1/docs">{t('settings.apiDocs')}</a>
          </dd>
        </dl>
        <Table
          class="results tokens"
          columns={[{ label: t('settings.tokenName') }, { label: t('settings.token') }, { label: t('settings.scopes') }, { label: t('settings.copy'), hidden: true }]}
        >
          {info.tokens.map((tok, i) => (
            <tr>
              <td>{tokenName(ctx, tok)}</td>
              <td>
                <code class="token" data-masked={maskToken(tok.token)}>
                  {maskToken(tok.token)}
                </code>
              </td>
              <td>{scopesText(ctx, tok.scopes)}</td>
              <td class="actions-cell">
                <div class="row-actions">
                <button type="button" class="button secondary small" data-copy={String(i)} data-done={t('settings.copied')}>
                  {t('settings.copy')}
                </button>
                <button type="button" class="button secondary small" data-reveal={String(i)} data-hide={t('settings.hide')}>
                  {t('settings.show')}
                </button>
              </div>
              </td>
            </tr>
          ))}
        </Table>
      </section>

      <section class="panel" id="printers">
        <h2>{t('settings.printers')}</h2>
        <PrinterTable ctx={ctx} printers={info.printers} config={config.printers} actions={false} />
      </section>

      <ScannersPanel ctx={ctx} statuses={info.scanners} config={config} />

      <SyncPanel ctx={ctx} status={ctx.sync()} />

      <section class="panel" id="directory-files">
        <h2>{t('import.settings.title')}</h2>
        <p class="sub">{t('import.settings.intro')}</p>
        <p>
          <a class="button secondary" href="/clients/import">
            {t('import.link')}
          </a>
        </p>
      </section>

      <section class="panel" id="agent">
        <h2>{t('settings.agent')}</h2>
        <dl class="facts">
          <dt>{t('settings.version')}</dt>
          <dd data-version>{info.version}</dd>
          <dt>{t('settings.agentId')}</dt>
          <dd>
            <code>{info.agentId}</code>
          </dd>
          <dt>{t('settings.locale')}</dt>
          <dd>
            {t('settings.localeName')} <span class="sub">({config.ui.locale})</span>
          </dd>
          <dt>{t('settings.pin')}</dt>
          <dd>{t(config.ui.pin === null ? 'settings.pinOff' : 'settings.pinOn')}</dd>
        </dl>
        <p class="sub">{t('settings.diagnoseHelp')}</p>
        <p>
          <a class="button secondary" href="/settings/diagnostics.tar.gz" download data-diagnostics>
            {t('settings.diagnose')}
          </a>
        </p>
      </section>
    </Layout>
  );
}

/** The scanners and their live state; it reloads itself on every `scanner` event. */
export function ScannersPanel(props: { ctx: PageContext; statuses: readonly ScannerStatus[]; config: AgentConfig }) {
  const { ctx, statuses, config } = props;
  const t = ctx.t;
  return (
    <section class="panel" id="scanners" hx-get="/settings/scanners" hx-trigger="sse:scanner delay:100ms" hx-swap="outerHTML">
      <h2>{t('settings.scanners')}</h2>
      {statuses.length > 0 && (
        <Table class="results" columns={[{ label: t('settings.scanner') }, { label: t('settings.transport') }, { label: t('settings.status') }]}>
          {statuses.map((st) => {
            const c = config.scanners.find((x) => x.id === st.id);
            return (
              <tr data-scanner-id={st.id}>
                <td>
                  <strong>{c?.name ?? st.id}</strong> <span class="sub">{st.id}</span>
                </td>
                <td>{c ? transportText(t, c.transport) : ''}</td>
                <td>
                  <span class={`state state-${st.state}`} data-state={st.state}>
                    {t(`scanner.state.${st.state}`)}
                  </span>
                  {st.detail && (st.state === 'waiting' || st.state === 'error') && <div class="sub">{t(`scanner.hint.${st.state}`)}</div>}
                  {st.detail && (
                    <details class="sub">
                      <summary>{t('sync.details')}</summary>
                      <span lang="en">{st.detail}</span>
                    </details>
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
      )}
      <p class="sub">{t(statuses.length === 0 ? 'settings.scannersNone' : 'settings.wedge')}</p>
    </section>
  );
}

/** An address that may wrap after each "/" (a phone's narrow line), not in the middle of "v1". */
function breakableUrl(url: string) {
  const parts = url.split(/(?<=\/)(?!\/)/);
  return parts.map((part, i) => (i === 0 ? part : <><wbr />{part}</>));
}
