import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

/** What went wrong, in the staff's words, and a way back: in place of the page asked for. */
export function ErrorPage(props: { ctx: PageContext; title: string; message: string; back: string; staff: boolean }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={props.title} current="error" staff={props.staff}>
      <h1>{props.title}</h1>
      <p class="empty" role="alert">
        {props.message}
      </p>
      <p>
        <a href={props.back}>{props.back === '/' ? ctx.t('client.back') : ctx.t('error.back')}</a>
      </p>
    </Layout>
  );
}

/** The same, for a part of a page htmx asked for: a notice above the page, closed with one button. */
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
