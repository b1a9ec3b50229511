import { startAgent, normalizeId, type AgentReceiver, type DecodedSpan } from '@spanwise/agent';
 
const opentracing = require('opentracing');
import type { Span } from 'opentracing';
import { closeTracer, encodeBinaryEmitBatch, i64, jaeger, sendUdp, silentLogger, udpTracer, type JaegerTracer } from './helpers';

const T0 = 1_700_000_000_000; // ms

let agent: AgentReceiver | undefined;
let tracer: JaegerTracer | undefined;

afterEach(async () => {
  if (tracer) await closeTracer(tracer);
  tracer = undefined;
  if (agent) await agent.close();
  agent = undefined;
});

function byOp(spans: DecodedSpan[], op: string): DecodedSpan {
  const s = spans.find((x) => x.operationName === op);
  if (!s) throw new Error(`no span ${op} in ${spans.map((x) => x.operationName).join(', ')}`);
  return s;
}

describe('UDP agent with a real jaeger-client tracer', () => {
  test('decodes every field of spans sent by jaeger-client (binary emitBatch)', async () => {
    agent = await startAgent({ port: 0 });
    expect(agent.port).toBeGreaterThan(0);
    expect(agent.collectorPort).toBeUndefined();
    tracer = udpTracer(agent.port, 'svc', { tags: { 'deploy.env': 'test', 'deploy.shard': 7 } });

    const parent = tracer.startSpan('parent', {
      startTime: T0,
      tags: { str: 'hello', int: 42, float: 1.5, yes: true, no: false, bin: Buffer.from('hi') },
    });
    const child = tracer.startSpan('child', { childOf: parent, startTime: T0 + 10 });
    child.setTag('error', true);
    child.log({ event: 'query', rows: 3, ratio: 0.25, cached: false }, T0 + 12);
    child.finish(T0 + 30);
    const follower = tracer.startSpan('follower', {
      references: [opentracing.followsFrom(child.context())],
      startTime: T0 + 40,
    });
    follower.finish(T0 + 100);
    // explicit references: CHILD_OF wins as the parent even when it is listed after FOLLOWS_FROM
    const multi = tracer.startSpan('multi', {
      references: [opentracing.followsFrom(follower.context()), opentracing.childOf(parent.context())],
      startTime: T0 + 45,
    });
    multi.finish(T0 + 46);
    parent.finish(T0 + 50);

    const spans = await agent.waitForSpans(4);
    expect(agent.packets).toBeGreaterThanOrEqual(1);
    expect(agent.errors).toBe(0);

    const p = byOp(spans, 'parent');
    const c = byOp(spans, 'child');
    const f = byOp(spans, 'follower');
    for (const [decoded, span] of [[p, parent], [c, child], [f, follower]] as const) {
      expect(decoded.traceId).toMatch(/^[0-9a-f]{16}$/);
      expect(decoded.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(decoded.traceId).toBe(normalizeId(span.context().toTraceId()));
      expect(decoded.spanId).toBe(normalizeId(span.context().toSpanId()));
      expect(decoded.serviceName).toBe('svc');
      expect(decoded.flags).toBe(1);
      expect(decoded.processTags).toMatchObject({ 'deploy.env': 'test', 'deploy.shard': 7, 'jaeger.version': 'Node-3.19.0' });
      expect(typeof decoded.processTags.hostname).toBe('string');
    }
    expect(p.parentSpanId).toBe('0000000000000000');
    expect(p.startTime).toBe(T0 * 1000);
    expect(p.duration).toBe(50_000);
    expect(p.tags).toEqual({
      'sampler.type': 'const',
      'sampler.param': true,
      str: 'hello',
      int: 42,
      float: 1.5,
      yes: true,
      no: false,
      bin: Buffer.from('hi').toString('base64'),
    });
    expect(p.logs).toEqual([]);

    expect(c.parentSpanId).toBe(p.spanId);
    expect(c.startTime).toBe((T0 + 10) * 1000);
    expect(c.duration).toBe(20_000);
    expect(c.tags).toEqual({ error: true });
    expect(c.logs).toEqual([{ timestamp: (T0 + 12) * 1000, fields: { event: 'query', rows: 3, ratio: 0.25, cached: false } }]);
    expect(c.references).toEqual([]); // jaeger-client sends no reference for the childOf option, only parentSpanId

    // a span with only a FOLLOWS_FROM reference: jaeger-client makes the referenced span its parent
    expect(f.references).toEqual([{ refType: 'FOLLOWS_FROM', traceId: c.traceId, spanId: c.spanId }]);
    expect(f.parentSpanId).toBe(c.spanId);
    expect(f.duration).toBe(60_000);
    const m = byOp(spans, 'multi');
    expect(m.parentSpanId).toBe(p.spanId);
    expect(m.references).toEqual([
      { refType: 'FOLLOWS_FROM', traceId: f.traceId, spanId: f.spanId },
      { refType: 'CHILD_OF', traceId: p.traceId, spanId: p.spanId },
    ]);

    const traces = agent.traces();
    expect(traces).toHaveLength(1);
    expect(traces[0].traceId).toBe(p.traceId);
    expect(traces[0].spans.map((s) => s.operationName)).toEqual(['parent', 'child', 'follower', 'multi']);
  });

  test('128-bit trace ids are 32 hex chars and match jaeger-client', async () => {
    agent = await startAgent({ port: 0 });
    tracer = udpTracer(agent.port, 'svc128', { traceId128bit: true });
    const root = tracer.startSpan('root');
    const kid = tracer.startSpan('kid', { childOf: root });
    kid.finish();
    root.finish();
    const spans = await agent.waitForSpans(2);
    const r = byOp(spans, 'root');
    const k = byOp(spans, 'kid');
    expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(r.traceId).toBe(normalizeId(root.context().toTraceId()));
    expect(k.traceId).toBe(r.traceId);
    expect(k.parentSpanId).toBe(r.spanId);
    expect(k.references).toEqual([]);
  });

  test('ids with leading zeros are zero-padded (jaeger-client strips them; normalizeId pads)', async () => {
    agent = await startAgent({ port: 0 });
    tracer = udpTracer(agent.port);
    const ctx64 = tracer.extract('http_headers', { 'uber-trace-id': '0000000000000abc:0000000000000def:0:1' });
    const ctx128 = tracer.extract('http_headers', { 'uber-trace-id': '0000000000000001ffffffffffffffff:00000000000000aa:0:1' });
    const a = tracer.startSpan('a', { childOf: ctx64 ?? undefined });
    const b = tracer.startSpan('b', { childOf: ctx128 ?? undefined });
    a.finish();
    b.finish();
    // generated ids with a leading zero nibble are printed by jaeger-client without it
    let z: Span | undefined;
    for (let i = 0; i < 1000 && !z; i++) {
      const s = tracer.startSpan('probe');
      if (s.context().toSpanId().length < 16) z = s;
    }
    expect(z).toBeDefined();
    z!.setOperationName('leading-zero');
    z!.finish();
    expect(normalizeId('abc')).toBe('0000000000000abc');
    const spans = await agent.waitForSpans(3);
    const zd = byOp(spans, 'leading-zero');
    expect(zd.spanId).toMatch(/^0[0-9a-f]{15}$/);
    expect(zd.spanId).toBe(normalizeId(z!.context().toSpanId()));
    expect(zd.traceId).toBe(normalizeId(z!.context().toTraceId()));
    expect(byOp(spans, 'a').traceId).toBe('0000000000000abc');
    expect(byOp(spans, 'a').parentSpanId).toBe('0000000000000def');
    expect(byOp(spans, 'a').traceId).toBe(normalizeId(a.context().toTraceId()));
    expect(byOp(spans, 'b').traceId).toBe('0000000000000001ffffffffffffffff');
    expect(byOp(spans, 'b').traceId).toBe(normalizeId(b.context().toTraceId()));
    expect(byOp(spans, 'b').parentSpanId).toBe('00000000000000aa');
  });

  test('onSpans is called with each decoded batch; clear() forgets spans', async () => {
    const seen: string[] = [];
    agent = await startAgent({ port: 0, onSpans: (s) => seen.push(...s.map((x) => x.operationName)) });
    tracer = udpTracer(agent.port);
    tracer.startSpan('one').finish();
    await agent.waitForSpans(1);
    expect(seen).toEqual(['one']);
    agent.clear();
    expect(agent.spans).toHaveLength(0);
    tracer.startSpan('two').finish();
    const spans = await agent.waitForSpans((s) => s.some((x) => x.operationName === 'two'));
    expect(spans.map((s) => s.operationName)).toEqual(['two']);
    expect(seen).toEqual(['one', 'two']);
  });
});

describe('HTTP collector endpoint', () => {
  test("decodes the Thrift batches jaeger-client's HTTPSender posts to /api/traces", async () => {
    agent = await startAgent({ port: 0, collectorPort: 0 });
    expect(agent.collectorPort).toBeGreaterThan(0);
    tracer = jaeger.initTracer(
      {
        serviceName: 'http-svc',
        sampler: { type: 'const', param: 1 },
        reporter: { collectorEndpoint: `http://127.0.0.1:${agent.collectorPort}/api/traces`, flushIntervalMs: 10 },
      },
      { logger: silentLogger },
    ) as JaegerTracer;
    const parent = tracer.startSpan('http-parent', { tags: { n: 1, s: 'x' } });
    const child = tracer.startSpan('http-child', { childOf: parent });
    child.log({ event: 'e' });
    child.finish();
    parent.finish();
    const spans = await agent.waitForSpans(2);
    const p = byOp(spans, 'http-parent');
    const c = byOp(spans, 'http-child');
    expect(p.serviceName).toBe('http-svc');
    expect(p.spanId).toBe(normalizeId(parent.context().toSpanId()));
    expect(p.traceId).toBe(normalizeId(parent.context().toTraceId()));
    expect(p.tags).toMatchObject({ n: 1, s: 'x' });
    expect(c.parentSpanId).toBe(p.spanId);
    expect(c.logs[0].fields).toEqual({ event: 'e' });
    expect(agent.packets).toBe(0); // nothing came over UDP
  });

  test('rejects non-Thrift bodies with 400 and counts them as errors; other paths 404', async () => {
    agent = await startAgent({ port: 0, collectorPort: 0 });
    const url = `http://127.0.0.1:${agent.collectorPort}`;
    const bad = await fetch(`${url}/api/traces`, { method: 'POST', body: 'not thrift', headers: { 'content-type': 'application/x-thrift' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/cannot decode Thrift Batch/);
    expect(agent.errors).toBe(1);
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    await missing.text();
  });
});

describe('robustness', () => {
  const validBatch = {
    process: { serviceName: 'raw', tags: [] },
    spans: [
      {
        traceIdLow: i64(0x1234n),
        traceIdHigh: i64(0n),
        spanId: i64(-1n), // ffffffffffffffff: ids are unsigned hex
        parentSpanId: i64(0n),
        operationName: 'raw-op',
        flags: 1,
        startTime: i64(1_700_000_000_000_000n),
        duration: i64(1500n),
        tags: [
          { key: 'long', vType: 'LONG', vLong: i64(-42n) },
          { key: 'big', vType: 'LONG', vLong: i64(9_007_199_254_740_991n) },
          { key: 'bin', vType: 'BINARY', vBinary: Buffer.from([0, 1, 2, 255]) },
        ],
      },
    ],
  };

  test('malformed packets are counted in errors and do not stop decoding', async () => {
    agent = await startAgent({ port: 0 });
    const good = encodeBinaryEmitBatch(validBatch);
    await sendUdp(agent.port, Buffer.from('hello world'), good.subarray(0, good.length - 10), Buffer.from([0x82, 0x21, 0x00]), good);
    await agent.waitForSpans(() => agent!.packets >= 4);
    expect(agent.packets).toBe(4);
    expect(agent.errors).toBe(3);
    expect(agent.lastError).toBeDefined();
    expect(agent.spans).toHaveLength(1);
    const s = agent.spans[0];
    expect(s).toMatchObject({
      traceId: '0000000000001234',
      spanId: 'ffffffffffffffff',
      parentSpanId: '0000000000000000',
      serviceName: 'raw',
      startTime: 1_700_000_000_000_000,
      duration: 1500,
    });
    expect(s.tags).toEqual({ long: -42, big: 9_007_199_254_740_991, bin: Buffer.from([0, 1, 2, 255]).toString('base64') });
  });

  test('waitForSpans times out with a message listing what did arrive', async () => {
    agent = await startAgent({ port: 0 });
    await expect(agent.waitForSpans(1, 100)).rejects.toThrow(/timed out after 100 ms waiting for 1 span\(s\); received 0 span\(s\) in 0 UDP packet\(s\).*\(none\)/s);
    await sendUdp(agent.port, encodeBinaryEmitBatch(validBatch), Buffer.from('junk'));
    await agent.waitForSpans(() => agent!.packets === 2);
    const err = await agent.waitForSpans(3, 100).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/waiting for 3 span\(s\); received 1 span\(s\) in 2 UDP packet\(s\)/);
    expect((err as Error).message).toMatch(/1 undecodable \(last error: /);
    expect((err as Error).message).toContain('raw: raw-op [trace 0000000000001234 span ffffffffffffffff');
    const err2 = await agent.waitForSpans(() => false, 50).catch((e: Error) => e);
    expect((err2 as Error).message).toMatch(/waiting for spans matching the predicate/);
  });

  test('close() rejects pending waiters and frees the port', async () => {
    agent = await startAgent({ port: 0 });
    const port = agent.port;
    const pending = agent.waitForSpans(1, 10_000);
    await agent.close();
    await expect(pending).rejects.toThrow(/closed/);
    await agent.close(); // idempotent
    agent = await startAgent({ port }); // the port is free again
    expect(agent.port).toBe(port);
  });

  test('startAgent rejects when the port is taken', async () => {
    agent = await startAgent({ port: 0 });
    await expect(startAgent({ port: agent.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
