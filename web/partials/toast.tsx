import type { Child } from 'hono/jsx';

/**
 * A short message at the bottom of the screen, sent out of band with any htmx answer (it lands in
 * the layout's #toast, after the ones already there). `timeoutMs`: app.js removes it then.
 */
export function OobToast(props: { children: Child; tone?: 'error'; timeoutMs?: number }) {
  return (
    <div id="toast" hx-swap-oob="beforeend">
      <Toast {...props} />
    </div>
  );
}

export function Toast(props: { children: Child; tone?: 'error'; timeoutMs?: number }) {
  return (
    <div class={props.tone === 'error' ? 'toast is-error' : 'toast'} role={props.tone === 'error' ? 'alert' : 'status'} data-timeout={props.timeoutMs ?? 6000}>
      {props.children}
    </div>
  );
}
