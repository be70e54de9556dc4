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
        <a class="back" href={props.back}>
          {props.back === '/' ? ctx.t('client.back') : ctx.t('error.back')}
        </a>
      </p>
    </Layout>
  );
}
