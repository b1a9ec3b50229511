/** The viewer server started in-process (from the sources, as other packages' tests would use it). */
import { startViewer, TraceStore, type DecodedSpan } from '@spanwise/agent';

const span = (op: string): DecodedSpan => ({
  traceId: '00000000000000c1', spanId: '0000000000000001', parentSpanId: '0000000000000000', operationName: op, serviceName: 'svc',
  processTags: {}, flags: 1, startTime: 1_700_000_000_000_000, duration: 10, tags: {}, logs: [], references: [],
});

test('serves the page, the timing module for the page, and announces changed traces as server-sent events', async () => {
  const store = new TraceStore();
  const viewer = await startViewer({ store, port: 0 });
  try {
    expect(viewer.url).toBe(`http://127.0.0.1:${viewer.port}/`);
    const timing = await (await fetch(`${viewer.url}timing.js`)).text();
    const sandbox: { SpanwiseTiming?: { percentile(v: number[], p: number): number } } = {};
    new Function('window', timing)(sandbox);
    expect(sandbox.SpanwiseTiming!.percentile([1, 2, 3], 50)).toBe(2);

    const controller = new AbortController();
    const res = await fetch(`${viewer.url}api/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    store.add([span('first')]);
    let text = '';
    while (!text.includes('event: traces')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/event: traces\ndata: \["00000000000000c1"\]\n\n/);
    controller.abort();
    const missing = await fetch(`${viewer.url}api/traces/0000000000000bad`);
    expect(missing.status).toBe(404);
    await missing.text();
  } finally {
    await viewer.close();
  }
});
