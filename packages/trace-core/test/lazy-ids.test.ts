import { extractContext, getTracer } from '../src';
import { startSpan } from '../src/spans';
import { inMemoryTracer } from '../../../test-support/in-memory-tracer';

/** What these tests read of jaeger-client's SpanContext and its sampling state. */
interface JaegerContext {
  _traceIdStr?: string | null;
  _spanIdStr?: string | null;
  traceId: Buffer;
  spanId: Buffer;
  toTraceId(): string;
  toSpanId(): string;
  isSampled(): boolean;
  _samplingState: { localRootSpanId(): string; isLocalRootSpan(context: unknown): boolean };
}
interface ReportedSpan {
  _tags: { key: string; value: unknown }[];
}
const jaegerContext = (context: unknown) => context as JaegerContext;
const hexOf = (id: Buffer) => id.toString('hex').replace(/^0+/, '');

describe('root span contexts build id strings only when read', () => {
  it('a root span holds binary ids; its strings are built on first read and match the ids', () => {
    inMemoryTracer();
    const context = jaegerContext(startSpan('root', undefined, undefined, undefined).context());
    expect(context._traceIdStr ?? null).toBeNull();
    expect(context._spanIdStr ?? null).toBeNull();
    expect(context.toTraceId()).toBe(hexOf(context.traceId));
    expect(context.toSpanId()).toBe(hexOf(context.spanId));
    expect(context.traceId).toEqual(context.spanId);
  });

  it('spans of the global tracer without parent take the same path, with 128-bit trace ids when configured', () => {
    inMemoryTracer({ traceId128bit: true });
    const context = jaegerContext(getTracer().startSpan('root', { childOf: null as unknown as undefined }).context());
    expect(context._spanIdStr ?? null).toBeNull();
    expect(context.traceId.length).toBe(16);
    expect(context.spanId).toEqual(context.traceId.subarray(8));
  });

  it("jaeger-client's sampler still decides and tags the root, and its sampling state still knows the local root", () => {
    const memory = inMemoryTracer({ sampler: { type: 'const', param: 1 } });
    const root = startSpan('root', undefined, undefined, undefined);
    const child = startSpan('child', root.context(), undefined, undefined);
    const rootContext = jaegerContext(root.context());
    const state = rootContext._samplingState;
    expect(rootContext.isSampled()).toBe(true);
    expect(state.localRootSpanId()).toBe(rootContext.toSpanId());
    expect(state.isLocalRootSpan(rootContext)).toBe(true);
    expect(state.isLocalRootSpan(child.context())).toBe(false);
    child.finish();
    root.finish();
    const tags = Object.fromEntries((memory.spans[1] as ReportedSpan)._tags.map((tag) => [tag.key, tag.value]));
    expect(tags).toMatchObject({ 'sampler.type': 'const', 'sampler.param': true });
  });

  it("a caller's context read from traceparent reads its id strings when asked, and is its trace's local root", () => {
    inMemoryTracer();
    const caller = jaegerContext(extractContext({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }));
    expect(caller._spanIdStr ?? null).toBeNull();
    expect(caller.toSpanId()).toBe('f067aa0ba902b7');
    const child = jaegerContext(startSpan('server', extractContext({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }), undefined, undefined).context());
    expect(child._samplingState.localRootSpanId()).toBe('f067aa0ba902b7');
    expect(child._samplingState.isLocalRootSpan(child)).toBe(false);
  });
});
