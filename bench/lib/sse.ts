/**
 * Reads server-sent events from a fetch body and calls `onData` with the parsed JSON of each event
 * named `name`, until the stream ends or `signal` aborts (an abort is not an error).
 */
export async function readSseEvents<T>(body: ReadableStream<Uint8Array>, name: string, onData: (data: T) => void, signal: AbortSignal): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const named = new RegExp(`^event: ${name}$`, 'm');
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (named.test(block)) onData(JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as T);
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}
