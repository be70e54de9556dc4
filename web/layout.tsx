import type { Child } from 'hono/jsx';
import type { AssetUrls } from './assets.js';

export interface PageContext {
  lang: string;
  /** Whether staff signed in with a PIN (then the header offers to sign out). */
  pinRequired: boolean;
  shopName: string;
  assets: AssetUrls;
  t: (key: import('./i18n.js').MessageKey, vars?: Record<string, string | number>) => string;
}

/** The frame every staff page shares: header with the shop and navigation, then the page. */
export function Layout(props: { ctx: PageContext; title: string; current: 'directory' | 'login'; children: Child }) {
  const { ctx } = props;
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={ctx.assets.css} />
        <script src={ctx.assets.htmx} defer></script>
        <script src={ctx.assets.js} defer></script>
      </head>
      <body>
        <header class="top">
          <span class="shop">{ctx.shopName || 'Kleek'}</span>
          {props.current !== 'login' && (
            <nav>
              <a href="/" aria-current={props.current === 'directory' ? 'page' : undefined}>
                {ctx.t('nav.directory')}
              </a>
            </nav>
          )}
          {ctx.pinRequired && props.current !== 'login' && (
            <form method="post" action="/logout" class="logout">
              <button type="submit" class="link">
                {ctx.t('nav.logout')}
              </button>
            </form>
          )}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
