/** The middleware-span wrapper on traced requests, in-process with an in-memory tracer. */
import { getActiveSpan, resetForTests, withSpan } from '@spanwise/trace-core';
import type { KoaContext } from '../src/types';
import { wrapMiddleware } from '../src/utils';
import { idOf, inMemoryTracer, parentOf, tracedRequest } from '../../../test-support/in-memory-tracer';

describe('wrapMiddleware on a traced request', () => {
  let memory: { spans: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any -- jaeger-client's spans are untyped
  beforeEach(() => {
    memory = inMemoryTracer();
  });
  afterAll(() => resetForTests());

  function context() {
    const { req, res, record } = tracedRequest('koa');
    return { ctx: { req, res, method: 'GET', state: {} } as unknown as KoaContext, record };
  }

  it('a span named after the middleware, child of the active span, active inside it; the value is returned as is', async () => {
    const { ctx, record } = context();
    let inside: unknown;
    const wrapped = wrapMiddleware(async function loadUser() {
      inside = getActiveSpan();
      return 'value';
    });
    await expect(withSpan(record.span, () => wrapped(ctx, async () => undefined) as Promise<unknown>)).resolves.toBe('value');
    expect(memory.spans).toHaveLength(1);
    const [span] = memory.spans;
    expect(span.operationName).toBe('loadUser');
    expect(parentOf(span)).toBe(idOf(record.span));
    expect(inside).toBe(span);
  });

  it('a synchronous middleware returning a plain value', () => {
    const { ctx, record } = context();
    const wrapped = wrapMiddleware(function sync() {
      return 42;
    });
    expect(withSpan(record.span, () => wrapped(ctx, async () => undefined))).toBe(42);
    expect(memory.spans.map((s) => s.operationName)).toEqual(['sync']);
  });

  it('nested middlewares: an error is logged on the innermost span only, and reaches the caller unchanged', async () => {
    const { ctx, record } = context();
    const error = new Error('deep');
    const inner = wrapMiddleware(async function inner() {
      throw error;
    });
    const outer = wrapMiddleware(async function outer(c: KoaContext) {
      return inner(c, async () => undefined);
    });
    await expect(withSpan(record.span, () => outer(ctx, async () => undefined) as Promise<unknown>)).rejects.toBe(error);
    const byName = Object.fromEntries(memory.spans.map((s) => [s.operationName, s]));
    expect(parentOf(byName.inner)).toBe(idOf(byName.outer));
    expect(byName.inner._tags.find((t: { key: string }) => t.key === 'error')?.value).toBe(true);
    expect(byName.inner._logs).toHaveLength(1);
    expect(byName.outer._logs).toHaveLength(0);
  });

  it('a 4xx error (ctx.throw(404)) does not mark the span failed', async () => {
    const { ctx, record } = context();
    const notFound = Object.assign(new Error('nope'), { status: 404 });
    const wrapped = wrapMiddleware(async function finder() {
      throw notFound;
    });
    await expect(withSpan(record.span, () => wrapped(ctx, async () => undefined) as Promise<unknown>)).rejects.toBe(notFound);
    expect(memory.spans[0]._tags.some((t: { key: string }) => t.key === 'error')).toBe(false);
  });
});
