import type { PageContext } from '../page-context.js';

/** What went wrong with a part of a page htmx asked for: a notice above the page, closed with one button. */
export function ErrorNotice(props: { ctx: PageContext; message: string }) {
  return (
    <section class="notice" role="alert">
      <p class="error">{props.message}</p>
      <button type="button" class="button secondary" data-dismiss=".notice">
        {props.ctx.t('scan.dismiss')}
      </button>
    </section>
  );
}
