import { EventEmitter } from 'events';
import * as opentracing from 'opentracing';
import {
  bindEmitterToContext,
  bindToContext,
  extractContext,
  getActiveSpan,
  getTracer,
  injectHeaders,
  isRecording,
  recordError,
  startClientSpan,
  suppressTracing,
  withSpan,
} from '../src';
import { startSpan } from '../src/spans';
import { inMemoryTracer } from '../../../test-support/in-memory-tracer';
import type { JaegerSpanLike } from '../src/export';
import { ids, sleep } from './support';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('propagation through the jaeger-client tracer', () => {
  beforeEach(() => inMemoryTracer());

  it.each([
    ['uber-trace-id', { 'uber-trace-id': `${TRACE}:${SPAN}:0:1` }],
    ['traceparent', { traceparent: `00-${TRACE}-${SPAN}-01` }],
    ['b3 multi', { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' }],
    ['b3 single', { b3: `${TRACE}-${SPAN}-1` }],
  ])('continues a trace from %s', (_name, headers) => {
    const parent = extractContext(headers);
    expect(parent).not.toBeNull();
    const span = getTracer().startSpan('server', { childOf: parent! });
    expect(ids(span)).toMatchObject({ traceId: TRACE, parentId: SPAN });
    expect(isRecording(span)).toBe(true);
  });

  it('honours an unsampled caller', () => {
    const span = getTracer().startSpan('server', { childOf: extractContext({ traceparent: `00-${TRACE}-${SPAN}-00` })! });
    expect(isRecording(span)).toBe(false);
  });

  it.each([{ 'uber-trace-id': '12zz:1:0:1' }, { traceparent: 'garbage' }, { b3: 'x-y-z' }, { 'x-b3-traceid': 'nothex' }, {}])('starts a new trace for malformed %j', (headers) => {
    expect(extractContext(headers)).toBeNull();
  });

  it('injects uber-trace-id and traceparent by default, with the span ids', () => {
    const span = getTracer().startSpan('client');
    const headers: Record<string, unknown> = {};
    injectHeaders(span, headers);
    const { traceId, spanId } = ids(span);
    expect(headers.traceparent).toBe(`00-${traceId.padStart(32, '0')}-${spanId}-01`);
    expect(String(headers['uber-trace-id'])).toMatch(new RegExp(`^0*${traceId.replace(/^0+/, '')}:${spanId.replace(/^0+/, '')}:0:1$`));
    expect(Object.keys(headers).sort()).toEqual(['traceparent', 'uber-trace-id']);
  });

  it('injects the configured formats and carries tracestate along the trace', () => {
    inMemoryTracer({ propagation: { inject: ['b3', 'b3-single', 'w3c'] } });
    const server = startSpan('server', extractContext({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'acme=1' }), undefined, 'server');
    const client = withSpan(server, () => startClientSpan('GET'))!;
    const headers: Record<string, unknown> = {};
    injectHeaders(client, headers);
    const { spanId } = ids(client);
    expect(headers).toMatchObject({ 'x-b3-traceid': TRACE, 'x-b3-spanid': spanId, b3: `${TRACE}-${spanId}-1-${ids(server).spanId}`, tracestate: 'acme=1' });
    expect(headers['uber-trace-id']).toBeUndefined();
  });

  it('starts 64-bit traces by default and 128-bit ones when asked', () => {
    expect(ids(getTracer().startSpan('root')).traceId).toHaveLength(16);
    inMemoryTracer({ traceId128bit: true });
    expect(ids(getTracer().startSpan('root')).traceId).toHaveLength(32);
  });
});

describe('active span context', () => {
  beforeEach(() => inMemoryTracer());

  it('follows awaits, timers and callbacks', async () => {
    const span = getTracer().startSpan('request');
    await withSpan(span, async () => {
      await sleep(1);
      expect(getActiveSpan()).toBe(span);
      await new Promise<void>((resolve) => setTimeout(() => {
        expect(getActiveSpan()).toBe(span);
        resolve();
      }, 1));
      setImmediate(() => expect(getActiveSpan()).toBe(span));
    });
    expect(getActiveSpan()).toBeUndefined();
  });

  it('parents children on their own request under 100 concurrent requests', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const request = getTracer().startSpan(`request-${i}`);
        return withSpan(request, async () => {
          await sleep(Math.random() * 10);
          const child = startClientSpan('call')!;
          await sleep(Math.random() * 5);
          return { request: ids(request), child: ids(child) };
        });
      }),
    );
    for (const { request, child } of results) {
      expect(child.parentId).toBe(request.spanId);
      expect(child.traceId).toBe(request.traceId);
    }
  });

  it('binds callbacks queued elsewhere to the context they were created in', async () => {
    const queue: Array<() => void> = [];
    const a = getTracer().startSpan('a');
    const b = getTracer().startSpan('b');
    let seen: unknown;
    withSpan(a, () => queue.push(bindToContext(() => (seen = getActiveSpan()))));
    withSpan(b, () => queue.shift()!());
    expect(seen).toBe(a);
    const fn = function (this: unknown, x: number, y: number) {
      return [this, x + y];
    };
    const bound = withSpan(a, () => bindToContext(fn));
    expect(bound.length).toBe(2);
    const self = {};
    expect(bound.call(self, 1, 2)).toEqual([self, 3]);
  });

  it('binds emitter listeners to the context they were added in, and removes them', () => {
    const emitter = new EventEmitter();
    const a = getTracer().startSpan('a');
    const seen: unknown[] = [];
    const listener = () => seen.push(getActiveSpan());
    withSpan(a, () => {
      bindEmitterToContext(emitter);
      emitter.on('data', listener);
    });
    emitter.emit('data');
    expect(seen).toEqual([a]);
    emitter.removeListener('data', listener);
    expect(emitter.listenerCount('data')).toBe(0);
  });

  it('suppressTracing hides the active span from instrumentation', () => {
    const a = getTracer().startSpan('a');
    withSpan(a, () => suppressTracing(() => {
      expect(getActiveSpan()).toBeUndefined();
      expect(startClientSpan('x', { allowRoot: true })).toBeUndefined();
    }));
  });
});

describe('client spans', () => {
  it('need a parent by default', () => {
    inMemoryTracer();
    expect(startClientSpan('GET')).toBeUndefined();
    expect(startClientSpan('GET', { allowRoot: true })).toBeDefined();
  });

  it('may be roots when requireParent is off', () => {
    inMemoryTracer({ requireParent: false });
    const span = startClientSpan('GET', { tags: { 'peer.port': 80, skipped: undefined } }) as opentracing.Span & JaegerSpanLike;
    expect(span).toBeDefined();
    const tags = Object.fromEntries(span._tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ 'span.kind': 'client', 'peer.port': 80 });
    expect('skipped' in tags).toBe(false);
  });

  it('record errors the OpenTracing way', () => {
    const memory = inMemoryTracer();
    const span = withSpan(getTracer().startSpan('parent'), () => startClientSpan('GET'))!;
    const error = Object.assign(new TypeError('boom'), { code: 'E1' });
    recordError(span, error, { 'db.error.code': 'E1' });
    span.finish();
    const reported: JaegerSpanLike = memory.spans[0];
    expect(reported._tags).toContainEqual({ key: 'error', value: true });
    const fields = Object.fromEntries(reported._logs[0].fields.map((f) => [f.key, f.value]));
    expect(fields).toMatchObject({ event: 'error', 'error.kind': 'TypeError', message: 'boom', 'error.object': 'TypeError: boom', 'db.error.code': 'E1' });
    expect(fields.stack).toContain('boom');
  });

  it('skip tag work for unsampled traces', () => {
    inMemoryTracer({ sampler: { type: 'const', param: 0 } });
    const parent = getTracer().startSpan('parent');
    const child = withSpan(parent, () => startClientSpan('GET', { tags: { a: 1 } })) as opentracing.Span & JaegerSpanLike;
    expect(isRecording(child)).toBe(false);
    expect(child._tags).toEqual([]);
    const headers: Record<string, unknown> = {};
    injectHeaders(child, headers);
    expect(String(headers.traceparent)).toMatch(/-00$/);
  });
});

describe('clock', () => {
  it('times spans in microseconds, close to wall time (jaeger-client alone uses whole milliseconds)', () => {
    const memory = inMemoryTracer();
    for (let i = 0; i < 20; i++) getTracer().startSpan(`s${i}`).finish();
    const starts = memory.spans.map((s: JaegerSpanLike) => s._startTime);
    expect(starts.some((t: number) => !Number.isInteger(t))).toBe(true);
    expect(Math.abs(starts[0] - Date.now())).toBeLessThan(1000);
    expect(memory.spans.every((s: JaegerSpanLike) => s._duration !== undefined && s._duration >= 0)).toBe(true);
  });
});

describe('global tracer', () => {
  it('hand-written spans join the same trace', () => {
    inMemoryTracer();
    const request = getTracer().startSpan('request');
    const manual = withSpan(request, () => opentracing.globalTracer().startSpan('manual', { childOf: getActiveSpan() }));
    expect(ids(manual).parentId).toBe(ids(request).spanId);
  });
});

describe('faults in tracing code', () => {
  it('never throw into the app', () => {
    const throwing = new (class extends opentracing.Tracer {
      protected override _startSpan(): opentracing.Span {
        throw new Error('tracer is broken');
      }
      protected override _inject(): void {
        throw new Error('inject is broken');
      }
      protected override _extract(): opentracing.SpanContext | null {
        throw new Error('extract is broken');
      }
    })();
    inMemoryTracer({ tracer: throwing });
    const parent = new opentracing.Tracer().startSpan('noop');
    expect(withSpan(parent, () => startClientSpan('GET'))).toBeUndefined();
    expect(() => injectHeaders(parent, {})).not.toThrow();
    expect(extractContext({ 'uber-trace-id': 'a:b:0:1' })).toBeNull();
  });
});
