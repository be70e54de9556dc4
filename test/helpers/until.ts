/**
 * Waits until `check` holds, looking every `everyMs`; fails naming `what` after `ms`. Tests wait on
 * what the far side shows (a ticket on paper, a job's status), never a fixed time.
 */
export async function until(what: string | (() => string), check: () => boolean | Promise<boolean>, ms = 10_000, everyMs = 10): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
