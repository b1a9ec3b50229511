import { getRequestSpan, isRecording, recordRequestError, reportFault, setRoute, startServerSpan, withSpan, type RequestRecord } from '@spanwise/trace-core';
import type { Span } from 'opentracing';
import { kMiddlewareSpans, patch } from './instrumentation';
import type { KoaContext, KoaMiddleware, KoaNext, KoaTraceOptions } from './types';
import { COMPONENT, routeOf } from './utils';

/**
 * Koa middleware tracing each request: mount it first, `app.use(traceMiddleware())`. The server span
 * is active for everything downstream and available as `ctx.state.span`.
 */
export function traceMiddleware(options: KoaTraceOptions = {}): KoaMiddleware {
  const spanwiseTrace = async function spanwiseTrace(ctx: KoaContext, next: KoaNext): Promise<unknown> {
    const record = startServerSpan(ctx.req, ctx.res, COMPONENT, options);
    if (record === undefined) return next();
    if (ctx.state) ctx.state.span = record.span;
    if (isRecording(record.span)) recordRouteAtEnd(ctx, record);
    try {
      return await withSpan(record.span, next);
    } catch (error) {
      recordRequestError(ctx.req, error);
      // Koa's own error handling answers (status from err.status); the span ends when it has.
      throw error;
    }
  };
  if (options.middlewareSpans) {
    Object.defineProperty(spanwiseTrace, kMiddlewareSpans, { value: true });
    patch();
  }
  return spanwiseTrace;
}

/**
 * Read the route just before the span ends on the response's 'close' (prepended: it runs before core's listener).
 * The router has matched by then, also for requests aborted while their handler still runs.
 */
function recordRouteAtEnd(ctx: KoaContext, record: RequestRecord): void {
  const onEnd = () => {
    if (record.finished) return;
    try {
      const route = routeOf(ctx);
      if (route !== undefined) setRoute(ctx.req, route);
    } catch (error) {
      reportFault('koa route', error);
    }
  };
  ctx.res.prependOnceListener('close', onEnd);
}

/** The server span of the request (also `ctx.state.span`), or undefined when the request is not traced. */
export function getSpan(ctx: { req: KoaContext['req'] }): Span | undefined {
  return getRequestSpan(ctx?.req);
}
