import fsp from 'node:fs/promises';
import { afterAll, expect } from 'vitest';

/**
 * No test leaves a file open for the garbage collector to close (Node's DEP0137 "Closing a
 * FileHandle object on garbage collection"): each file handle opened through node:fs/promises is
 * followed, and at the end of each test file a full GC runs (the workers have --expose-gc); a
 * handle collected unclosed fails that file, naming the test that opened it and where. Without
 * this, such a leak shows as a warning in some later file, in some run, wherever the GC happens to pass.
 */

interface Opened {
  where: string;
  closed: boolean;
}

const leaked: string[] = [];
const registry = new FinalizationRegistry<Opened>((opened) => {
  if (!opened.closed) leaked.push(opened.where);
});

const open = fsp.open;
const followed: typeof open = async (...args) => {
  const handle = await open(...args);
  const state = expect.getState();
  const opened: Opened = { where: `${String(args[0])}, opened by "${state.currentTestName ?? '(outside a test)'}"\n${new Error().stack?.split('\n').slice(2, 7).join('\n') ?? ''}`, closed: false };
  const close = handle.close.bind(handle);
  handle.close = () => {
    opened.closed = true;
    return close();
  };
  registry.register(handle, opened);
  return handle;
};
Reflect.set(fsp, 'open', followed);

afterAll(async () => {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc === 'function') {
    gc();
    await new Promise((r) => setTimeout(r, 20)); // the registry's callbacks run after the collection
  }
  const found = leaked.splice(0);
  if (found.length) throw new Error(`file handle(s) left open for the garbage collector to close (close them, or use a read-only open):\n${found.join('\n\n')}`);
});
