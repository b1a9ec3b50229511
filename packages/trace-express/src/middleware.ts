import type { IncomingMessage } from 'http';
import { checkConfiguration, checkOptionKeys, getRequestSpan, SERVER_SPAN_OPTION_KEYS, startServerSpan, withSpan } from '@spanwise/trace-core';
import type { Span } from 'opentracing';
import { patch } from './instrumentation';
import type { ExpressTraceOptions, RequestHandler } from './types';

export const COMPONENT = 'express';

/**
 * Trace every request of an Express 4 or 5 app: mount it first, `app.use(traceMiddleware())`.
 * Each request gets one server span (continuing the caller's trace), named `METHOD /full/route/:pattern`,
 * active for everything its handlers do. Installs the route-capture patches (`patch()`).
 */
export function traceMiddleware(options: ExpressTraceOptions = {}): RequestHandler {
  checkOptionKeys(options, SERVER_SPAN_OPTION_KEYS, '@spanwise/trace-express traceMiddleware()');
  patch();
  return function spanwiseTrace(req, res, next) {
    const record = startServerSpan(req, res, COMPONENT, options);
    if (record === undefined) return next();
    return withSpan(record.span, next);
  };
}

/** The server span of `req` (to tag it from a handler), or undefined when the request is not traced. */
export function getSpan(req: IncomingMessage): Span | undefined {
  return getRequestSpan(req);
}
