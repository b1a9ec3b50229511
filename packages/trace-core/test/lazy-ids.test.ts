import { extractContext, getTracer } from '../src';
import { startSpan } from '../src/spans';
import { initInMemory } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */
const hexOf = (id: Buffer) => id.toString('hex').replace(/^0+/, '');

describe('root span contexts build id strings only when read', () => {
  it('a root span holds binary ids; its strings are built on first read and match the ids', () => {
    initInMemory();
    const context = startSpan('root', undefined, undefined, undefined).context() as any;
    expect(context._traceIdStr ?? null).toBeNull();
    expect(context._spanIdStr ?? null).toBeNull();
    expect(context.toTraceId()).toBe(hexOf(context.traceId));
    expect(context.toSpanId()).toBe(hexOf(context.spanId));
    expect(context.traceId).toEqual(context.spanId);
  });

  it('spans of the global tracer without parent take the same path, with 128-bit trace ids when configured', () => {
    initInMemory({ traceId128bit: true });
    const context = getTracer().startSpan('root', { childOf: null as any }).context() as any;
    expect(context._spanIdStr ?? null).toBeNull();
    expect(context.traceId.length).toBe(16);
    expect(context.spanId).toEqual(context.traceId.subarray(8));
  });

  it("jaeger-client's sampler still decides and tags the root, and its sampling state still knows the local root", () => {
    const memory = initInMemory({ sampler: { type: 'const', param: 1 } });
    const root = startSpan('root', undefined, undefined, undefined);
    const child = startSpan('child', root.context(), undefined, undefined);
    const rootContext = root.context() as any;
    const state = rootContext._samplingState;
    expect(rootContext.isSampled()).toBe(true);
    expect(state.localRootSpanId()).toBe(rootContext.toSpanId());
    expect(state.isLocalRootSpan(rootContext)).toBe(true);
    expect(state.isLocalRootSpan(child.context())).toBe(false);
    child.finish();
    root.finish();
    const tags = Object.fromEntries(memory.spans[1]._tags.map((tag: any) => [tag.key, tag.value]));
    expect(tags).toMatchObject({ 'sampler.type': 'const', 'sampler.param': true });
  });

  it("a caller's context read from traceparent reads its id strings when asked, and is its trace's local root", () => {
    initInMemory();
    const caller = extractContext({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }) as any;
    expect(caller._spanIdStr ?? null).toBeNull();
    expect(caller.toSpanId()).toBe('f067aa0ba902b7');
    const child = startSpan('server', caller, undefined, undefined).context() as any;
    expect(child._samplingState.localRootSpanId()).toBe('f067aa0ba902b7');
    expect(child._samplingState.isLocalRootSpan(child)).toBe(false);
  });
});
