import type { IncomingMessage, ServerResponse } from 'http';
import { getRequestRecord, reportFault, startServerSpan, withSpan, type AnyFunction } from '@spanwise/trace-core';
import type { ExpressTraceOptions, RequestHandler } from './types';

/**
 * The request entry point of every Express app, for `patch()` (auto mode: no `app.use(...)`): `app.handle(req, res,
 * callback)` of `express/lib/application.js`, the prototype every app copies its methods from when `express()`
 * creates it. The wrapper runs the span middleware, then the app. It adopts the request's server span when the
 * http-server layer already made one, so a request keeps exactly one server span.
 */
export const COMPONENT = 'express';

/** The middleware body `traceMiddleware()` returns: one server span per request, active for the rest of it. */
export function spanMiddleware(options: ExpressTraceOptions): RequestHandler {
  return function spanwiseTrace(req, res, next) {
    const record = startServerSpan(req, res, COMPONENT, options);
    if (record === undefined) return next();
    return withSpan(record.span, next);
  };
}

const state: { middleware?: RequestHandler } = {};

/** @internal The middleware `app.handle` runs first (`patch()` sets it from its options), or none. */
export function setEntryMiddleware(middleware: RequestHandler | undefined): void {
  state.middleware = middleware;
}

/** @internal Exported for tests. */
export function wrapAppHandle(original: AnyFunction): AnyFunction {
  return function handle(this: unknown, req: IncomingMessage, res: ServerResponse) {
    const middleware = state.middleware;
    // A mounted sub-app runs inside its parent's request: the parent already traced it.
    if (middleware === undefined || arguments.length < 2 || getRequestRecord(req)?.component === 'express') {
      return original.apply(this, arguments as unknown as unknown[]);
    }
    return runBefore(middleware, original, this, arguments as unknown as unknown[], req, res);
  };
}

/**
 * Run the trace middleware, then the app, exactly once. The middleware calls on synchronously; should it fail
 * before that (or not call on at once), the app runs untraced, and a late call on is ignored.
 */
function runBefore(middleware: RequestHandler, original: AnyFunction, app: unknown, args: unknown[], req: IncomingMessage, res: ServerResponse): unknown {
  let ran = false;
  let result: unknown;
  const runApp = () => {
    if (ran) return;
    ran = true;
    result = original.apply(app, args);
  };
  try {
    middleware(req, res, runApp);
  } catch (error) {
    if (ran) throw error; // the app's own error, thrown through the middleware: unchanged
    reportFault('express auto-instrumentation', error);
  }
  if (!ran) runApp();
  return result;
}
