import { getRequestSpan, isRecording, recordRequestError, resolveRouteAtEnd, startServerSpan, withSpan } from '@spanwise/trace-core';
import type { Span } from 'opentracing';
import { checkConfiguration, checkOptionKeys, optionKeys, SERVER_SPAN_OPTION_KEYS } from '@spanwise/trace-core';
import { kMiddlewareSpans, patch } from './instrumentation';
import type { ServerSpanOptions } from '@spanwise/trace-core';
import type { KoaContext, KoaMiddleware, KoaNext, KoaTraceOptions } from './types';
import { COMPONENT, routeOf } from './utils';

/**
 * Koa middleware tracing each request: mount it first, `app.use(traceMiddleware())`. The server span
 * is active for everything downstream and available as `ctx.state.span`.
 */
const OPTION_KEYS = [...SERVER_SPAN_OPTION_KEYS, ...optionKeys<Omit<KoaTraceOptions, keyof ServerSpanOptions>>({ middlewareSpans: true })];

export function traceMiddleware(options: KoaTraceOptions = {}): KoaMiddleware {
  checkOptionKeys(options, OPTION_KEYS, '@spanwise/trace-koa traceMiddleware()');
  checkConfiguration();
  const spanwiseTrace = async function spanwiseTrace(ctx: KoaContext, next: KoaNext): Promise<unknown> {
    const record = startServerSpan(ctx.req, ctx.res, COMPONENT, options);
    if (record === undefined) return next();
    if (ctx.state) ctx.state.span = record.span;
    // The router matches downstream: the route is read when the span ends (also for aborted requests).
    if (isRecording(record.span)) resolveRouteAtEnd(ctx.req, routeOf, ctx);
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

/** The server span of the request (also `ctx.state.span`), or undefined when the request is not traced. */
export function getSpan(ctx: { req: KoaContext['req'] }): Span | undefined {
  return getRequestSpan(ctx?.req);
}
