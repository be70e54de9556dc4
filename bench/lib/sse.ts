/** One server-sent event: its name, its data line (raw), and when the chunk that ended it arrived. */
export interface SseFrame {
  name: string;
  data: string;
  at: number;
}

/**
 * Reads server-sent events from a fetch body and calls `onFrame` for each named one (comments
 * such as `: ping` are skipped), and `onBytes` for each chunk, until the stream ends or `signal`
 * aborts (an abort is not an error).
 */
export async function readSseFrames(body: ReadableStream<Uint8Array>, onFrame: (frame: SseFrame) => void, signal: AbortSignal, onBytes?: (bytes: number) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const at = performance.now();
      onBytes?.(value.length);
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(block)?.[1];
        if (name) onFrame({ name, data: /^data: (.*)$/m.exec(block)?.[1] ?? '', at });
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

/**
 * Reads server-sent events from a fetch body and calls `onData` with the parsed JSON of each event
 * named `name`, until the stream ends or `signal` aborts (an abort is not an error).
 */
export function readSseEvents<T>(body: ReadableStream<Uint8Array>, name: string, onData: (data: T) => void, signal: AbortSignal): Promise<void> {
  return readSseFrames(body, (frame) => {
    if (frame.name === name) onData(JSON.parse(frame.data) as T);
  }, signal);
}
