import { reportFault, recordRequestError, isRecording, setRoute, startServerSpan, withSpan, type RequestRecord } from '@spanwise/trace-core';
import { kMiddlewareSpans, patch } from './instrumentation';
import type { KoaContext, KoaMiddleware, KoaNext, KoaTraceOptions } from './types';
import { COMPONENT, isServerError, routeOf } from './utils';

/**
 * Koa middleware tracing each request: mount it first, `app.use(traceMiddleware())`. The server span
 * is active for everything downstream and available as `ctx.state.span`.
 */
export function traceMiddleware(options: KoaTraceOptions = {}): KoaMiddleware {
  const spanwiseTrace = async function spanwiseTrace(ctx: KoaContext, next: KoaNext): Promise<unknown> {
    const record = startServerSpan(ctx.req, ctx.res, COMPONENT, options);
    if (record === undefined) return next();
    if (ctx.state) ctx.state.span = record.span;
    try {
      return await withSpan(record.span, next);
    } catch (error) {
      if (isServerError(error)) recordRequestError(ctx.req, error);
      // Koa's own error handling answers (status from err.status); the span ends when it has.
      throw error;
    } finally {
      recordRoute(ctx, record);
    }
  };
  if (options.middlewareSpans) {
    Object.defineProperty(spanwiseTrace, kMiddlewareSpans, { value: true });
    patch();
  }
  return spanwiseTrace;
}

function recordRoute(ctx: KoaContext, record: RequestRecord): void {
  if (!isRecording(record.span)) return;
  try {
    const route = routeOf(ctx);
    if (route !== undefined) setRoute(ctx.req, route);
  } catch (error) {
    reportFault('koa route', error);
  }
}
