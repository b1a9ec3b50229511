import { getRequestSpan, hiddenProperty, isRecording, recordRequestError, resolveRouteAtEnd, startServerSpan, withSpan } from '@spanwise/trace-core';
import type { Span } from 'opentracing';
import { checkConfiguration, checkOptionKeys, optionKeys, SERVER_SPAN_OPTION_KEYS } from '@spanwise/trace-core';
import { instrumentation, kMiddlewareSpans } from './instrumentation';
import type { ServerSpanOptions } from '@spanwise/trace-core';
import type { KoaContext, KoaMiddleware, KoaNext, KoaTraceOptions } from './types';
import { COMPONENT, routeOf } from './utils';

/** `ctx.state` is the app's: the span is readable there but no key of it, so its keys and JSON stay the app's. */
const exposeSpan = hiddenProperty<Span>('span');

/**
 * Koa middleware tracing each request: mount it first, `app.use(traceMiddleware())`. The server span
 * is active for everything downstream and readable as `ctx.state.span` (not enumerable).
 */
const OPTION_KEYS = [...SERVER_SPAN_OPTION_KEYS, ...optionKeys<Omit<KoaTraceOptions, keyof ServerSpanOptions>>({ middlewareSpans: true })];

export function traceMiddleware(options: KoaTraceOptions = {}): KoaMiddleware {
  checkOptionKeys(options, OPTION_KEYS, '@spanwise/trace-koa traceMiddleware()');
  checkConfiguration();
  const spanwiseTrace = async function spanwiseTrace(ctx: KoaContext, next: KoaNext): Promise<unknown> {
    const record = startServerSpan(ctx.req, ctx.res, COMPONENT, options);
    if (record === undefined) return next();
    if (typeof ctx.state === 'object' && ctx.state !== null) exposeSpan(ctx.state, record.span);
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
    instrumentation.enable();
  }
  return spanwiseTrace;
}

/** The server span of the request (also `ctx.state.span`), or undefined when the request is not traced. */
export function getSpan(ctx: { req: KoaContext['req'] }): Span | undefined {
  return getRequestSpan(ctx?.req);
}
