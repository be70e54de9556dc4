import type { Child } from 'hono/jsx';

/** The page frame every staff page shares. */
export function Layout(props: { title: string; lang: string; children: Child }) {
  return (
    <html lang={props.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
      </head>
      <body>{props.children}</body>
    </html>
  );
}
