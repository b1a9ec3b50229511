import { estimateSpanBytes, fromJaegerJson, JaegerJsonError, startAgent, toJaegerJson, TraceStore, type DecodedSpan } from '@spanwise/agent';
import { closeTracer, udpTracer } from './helpers';

const ZERO = '0000000000000000';
const hex = (n: number): string => n.toString(16).padStart(16, '0');

function sp(trace: number, n: number, parent: number, extra: Partial<DecodedSpan> = {}): DecodedSpan {
  return {
    traceId: hex(trace), spanId: hex(n), parentSpanId: parent ? hex(parent) : ZERO, operationName: `op${n}`, serviceName: 'svc',
    processTags: { hostname: 'h' }, flags: 1, startTime: 1_000_000 * trace + n, duration: 100, tags: {}, logs: [], references: [], ...extra,
  };
}

describe('TraceStore memory bound', () => {
  test('keeps at most maxTraces traces, forgetting the least recently updated', () => {
    const store = new TraceStore({ maxTraces: 3 });
    for (let t = 1; t <= 5; t++) store.add([sp(t, 1, 0)]);
    store.add([sp(3, 2, 1)]); // trace 3 updated: now the most recent
    store.add([sp(6, 1, 0)]);
    expect(store.list().map((s) => Number.parseInt(s.traceId, 16)).sort()).toEqual([3, 5, 6]);
    expect(store.stats()).toMatchObject({ traces: 3, spans: 4, evictedTraces: 3 });
  });

  test('keeps the estimated bytes under maxBytes, and the count of held bytes exact', () => {
    const big = (t: number, n: number): DecodedSpan => sp(t, n, n > 1 ? 1 : 0, { tags: { payload: 'x'.repeat(1000) } });
    const perSpan = estimateSpanBytes(big(1, 1));
    expect(perSpan).toBeGreaterThan(2000); // strings count 2 bytes a char
    const store = new TraceStore({ maxBytes: perSpan * 10 });
    for (let t = 1; t <= 6; t++) store.add([big(t, 1), big(t, 2), big(t, 3)]); // 18 spans offered, 10 fit
    const stats = store.stats();
    expect(stats.bytes).toBeLessThanOrEqual(perSpan * 10);
    expect(stats.spans).toBe(9); // three whole traces: the newest
    expect(stats.bytes).toBe(9 * perSpan);
    expect(store.list().map((s) => Number.parseInt(s.traceId, 16))).toEqual([6, 5, 4]);
  });

  test('a single trace larger than maxBytes keeps its first spans and counts the rest as dropped', () => {
    const store = new TraceStore({ maxBytes: 1024 * 4 });
    const spans = Array.from({ length: 40 }, (_, i) => sp(1, i + 1, i ? 1 : 0));
    store.add(spans);
    const { spans: kept, droppedSpans, bytes } = store.stats();
    expect(kept).toBeGreaterThan(0);
    expect(kept + droppedSpans).toBe(40);
    expect(bytes).toBeLessThanOrEqual(4096);
  });

  test('a repeated span is ignored; bad bounds are refused', () => {
    const store = new TraceStore();
    store.add([sp(1, 1, 0), sp(1, 1, 0)]);
    expect(store.stats()).toMatchObject({ spans: 1, droppedSpans: 1 });
    expect(() => new TraceStore({ maxTraces: 0 })).toThrow(/maxTraces/);
    expect(() => new TraceStore({ maxBytes: 10 })).toThrow(/maxBytes/);
  });
});

describe('TraceStore queries', () => {
  const store = new TraceStore();
  store.add([
    sp(1, 1, 0, { serviceName: 'gw', operationName: 'GET /a', duration: 5000 }),
    sp(1, 2, 1, { serviceName: 'db', operationName: 'SELECT', tags: { 'db.type': 'sql' } }),
    sp(2, 1, 0, { serviceName: 'gw', operationName: 'GET /b', tags: { 'http.status_code': 500, error: true }, duration: 100 }),
    sp(3, 2, 1, { serviceName: 'cache', operationName: 'GET', startTime: 3_000_010 }), // its root arrives later
  ]);
  store.add([sp(3, 1, 0, { serviceName: 'gw', operationName: 'GET /c', duration: 300 })]);

  test('summaries: root, services, errors, span count, newest first', () => {
    expect(store.list().map((s) => [s.traceId.slice(-1), s.rootService, s.rootOperation, s.spanCount, s.services.join(','), s.errors])).toEqual([
      ['3', 'gw', 'GET /c', 2, 'cache,gw', 0],
      ['2', 'gw', 'GET /b', 1, 'gw', 1],
      ['1', 'gw', 'GET /a', 2, 'db,gw', 0],
    ]);
  });

  test('filters by service, operation, tag, minimum duration and errors', () => {
    const ids = (f: Parameters<TraceStore['list']>[0]): string[] => store.list(f).map((s) => s.traceId.slice(-1));
    expect(ids({ service: 'db' })).toEqual(['1']);
    expect(ids({ operation: 'GET /b' })).toEqual(['2']);
    expect(ids({ service: 'db', operation: 'GET /a' })).toEqual([]); // the operation must belong to that service
    expect(ids({ tag: 'http.status_code=500' })).toEqual(['2']);
    expect(ids({ tag: 'db.type' })).toEqual(['1']);
    expect(ids({ tag: 'http.status_code=200' })).toEqual([]);
    expect(ids({ minDuration: 1000 })).toEqual(['1']);
    expect(ids({ errorsOnly: true })).toEqual(['2']);
  });
});

describe('Jaeger JSON import', () => {
  test('round-trips toJaegerJson: parents, FOLLOWS_FROM references, tags, logs, process tags', () => {
    const spans: DecodedSpan[] = [
      sp(7, 1, 0, { tags: { 'http.status_code': 200, ok: true, ratio: 0.5, s: 'x' }, logs: [{ timestamp: 7_000_050, fields: { event: 'error', n: 3 } }] }),
      sp(7, 2, 1),
      sp(7, 3, 1, { references: [{ refType: 'FOLLOWS_FROM', traceId: hex(7), spanId: hex(1) }] }),
      sp(0x1234, 4, 0, { traceId: 'ab'.repeat(16), serviceName: 'other', processTags: { ip: '10.0.0.1', pid: 42 } }),
    ];
    const json = JSON.parse(JSON.stringify(toJaegerJson([{ traceId: hex(7), spans: spans.slice(0, 3) }, { traceId: 'ab'.repeat(16), spans: [spans[3]] }])));
    expect(fromJaegerJson(json)).toEqual(spans);
  });

  test('reads Jaeger UI exports whose int64 values are strings and ids are short; names the bad field', () => {
    const [s] = fromJaegerJson({ data: [{ traceID: 'abc', processes: { p1: { serviceName: 'x', tags: [] } }, spans: [{ traceID: 'abc', spanID: 'd', operationName: 'o', references: [], startTime: 5, duration: 6, tags: [{ key: 'n', type: 'int64', value: '12' }], logs: [], processID: 'p1' }] }] });
    expect(s).toMatchObject({ traceId: '0000000000000abc', spanId: '000000000000000d', serviceName: 'x', tags: { n: 12 }, parentSpanId: ZERO });
    expect(() => fromJaegerJson({ nope: 1 })).toThrow(JaegerJsonError);
    expect(() => fromJaegerJson({ data: [{ spans: [{ traceID: 'zz', spanID: '1', startTime: 1, duration: 1 }] }] })).toThrow(/data\[0\]\.spans\[0\]\.traceID/);
    expect(() => fromJaegerJson({ data: [{ spans: [{ traceID: '1', spanID: '1', startTime: -1, duration: 1 }] }] })).toThrow(/startTime/);
  });
});

test('a receiver with keepSpans: false hands real UDP spans to the store and keeps no copy itself', async () => {
  const store = new TraceStore();
  const agent = await startAgent({ port: 0, keepSpans: false, onSpans: (spans) => store.add(spans) });
  try {
    const tracer = udpTracer(agent.port, 'kept-svc');
    const root = tracer.startSpan('root');
    tracer.startSpan('child', { childOf: root }).finish();
    root.finish();
    await closeTracer(tracer);
    const deadline = Date.now() + 5000;
    while (store.stats().spans < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(store.list().map((t) => [t.rootService, t.rootOperation, t.spanCount])).toEqual([['kept-svc', 'root', 2]]);
    expect(agent.spans).toHaveLength(0);
    expect(agent.packets).toBeGreaterThan(0);
  } finally {
    await agent.close();
  }
});
