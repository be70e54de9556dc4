import type { PrinterConfig } from '../../agent/config.js';
import type { PrinterOut } from '../../agent/printing/model.js';
import type { PageContext } from '../page-context.js';
import { printerModelText, rolesText, transportText } from './device-words.js';
import { Table } from './table.js';

/** Each printer with its live state: on the printers page (with its queue and a test page) and in the settings. */
export function PrinterTable(props: { ctx: PageContext; printers: readonly PrinterOut[]; config: readonly PrinterConfig[]; actions: boolean }) {
  const { ctx, printers } = props;
  const t = ctx.t;
  if (printers.length === 0) return <p class="empty">{t('settings.printersNone')}</p>;
  return (
    <Table
      class="results"
      columns={[
        { label: t('settings.printer') },
        { label: t('settings.transport') },
        { label: t('settings.status') },
        props.actions && { label: t('printers.queued'), class: 'num' },
        props.actions && { label: t('printers.test'), hidden: true },
      ]}
    >
      {printers.map((p) => {
        const c = props.config.find((x) => x.id === p.id);
        return (
          <tr data-printer-id={p.id}>
            <td>
              <strong>{p.name}</strong> <span class="sub">{p.id}</span>
              <div class="sub">{rolesText(t, p.roles)}</div>
            </td>
            <td>
              {c ? transportText(t, c.transport) : t(`transport.${p.transport}`)}
              {c && <div class="sub">{`${printerModelText(t, c)} · ${t('printer.width', { n: c.width })}`}</div>}
            </td>
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
    </Table>
  );
}
