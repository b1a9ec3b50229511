import type { IncomingMessage } from 'http';
import { checkOptionKeys, getRequestSpan, SERVER_SPAN_OPTION_KEYS } from '@spanwise/trace-core';
import type { Span } from 'opentracing';
import { spanMiddleware } from './entry';
import { instrumentation } from './instrumentation';
import type { ExpressTraceOptions, RequestHandler } from './types';

export { COMPONENT } from './entry';

/**
 * Trace every request of an Express 4 or 5 app: mount it first, `app.use(traceMiddleware())`.
 * Each request gets one server span (continuing the caller's trace), named `METHOD /full/route/:pattern`,
 * active for everything its handlers do. Installs the route-capture hooks (not the entry point of `patch()`).
 */
export function traceMiddleware(options: ExpressTraceOptions = {}): RequestHandler {
  checkOptionKeys(options, SERVER_SPAN_OPTION_KEYS, '@spanwise/trace-express traceMiddleware()');
  instrumentation.enable();
  return spanMiddleware(options);
}

/** The server span of `req` (to tag it from a handler), or undefined when the request is not traced. */
export function getSpan(req: IncomingMessage): Span | undefined {
  return getRequestSpan(req);
}
