import type { PageContext } from '../page-context.js';

/** The red trash icon: deletes after the browser's confirmation (htmx hx-confirm). */
export function DeleteButton(props: { ctx: PageContext; url: string; name: string; confirm: string; target: string; labelled?: boolean }) {
  return (
    <button
      type="button"
      class={props.labelled ? 'icon-danger labelled' : 'icon-danger'}
      title={props.ctx.t('action.delete')}
      aria-label={`${props.ctx.t('action.delete')} ${props.name}`}
      hx-delete={props.url}
      hx-confirm={props.confirm}
      hx-target={props.target}
      hx-swap="outerHTML"
    >
      <TrashIcon />
      {props.labelled && <span aria-hidden="true">{props.ctx.t('action.delete')}</span>}
    </button>
  );
}

/** Deleting a client, from the results or the card. */
export function DeleteClientButton(props: { ctx: PageContext; id: string; name: string; target: string; labelled?: boolean }) {
  return (
    <DeleteButton
      ctx={props.ctx}
      url={`/clients/${encodeURIComponent(props.id)}`}
      name={props.name}
      confirm={props.ctx.t('confirm.delete', { name: props.name })}
      target={props.target}
      labelled={props.labelled}
    />
  );
}

export function TrashIcon() {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path fill="currentColor" d="M9 3h6l1 2h4v2H4V5h4l1-2zm-3 6h12l-1 12H7L6 9zm4 2v8h2v-8h-2zm4 0v8h2v-8h-2z" />
    </svg>
  );
}
