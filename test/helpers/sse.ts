/** Reads server-sent events from a fetch body until `count` named events arrived (or the stream ends). */
export async function readEvents(body: ReadableStream<Uint8Array>, count: number): Promise<Array<{ event: string; data: unknown }>> {
  return (await readFrames(body, count)).map(({ event, data }) => ({ event, data }));
}

/** Reads server-sent events, each with its `id` (the `reset` events too), until `count` arrived (or the stream ends). */
export async function readFrames(body: ReadableStream<Uint8Array>, count: number): Promise<Array<{ id: string | null; event: string; data: unknown }>> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ id: string | null; event: string; data: unknown }> = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ id: /^id: (.*)$/m.exec(block)?.[1] ?? null, event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return events;
}
