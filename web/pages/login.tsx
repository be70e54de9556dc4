import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

/** The PIN page shown when `ui.pin` is set and the browser has no session. */
export function LoginPage(props: { ctx: PageContext; next: string; error: string | null }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={ctx.t('login.title')} current="login">
      <form method="post" action="/login" class="login">
        <h1>{ctx.t('login.title')}</h1>
        <input type="hidden" name="next" value={props.next} />
        <label for="pin">{ctx.t('login.pin')}</label>
        <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="current-password" autofocus required />
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <button type="submit" class="button">
          {ctx.t('login.submit')}
        </button>
      </form>
    </Layout>
  );
}
