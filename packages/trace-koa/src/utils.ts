import { finishSpan, getActiveSpan, getRequestRecord, getTracer, isClientError, isRecording, isTracingSuppressed, recordError, reportFault, TAGS, withSpan } from '@spanwise/trace-core';
import type { Span } from 'opentracing';
import type { KoaContext, KoaMiddleware, KoaNext, RouterLayer } from './types';

export const COMPONENT = 'koa';

/**
 * The route pattern @koa/router matched, prefixes and nested routers included (it gives nested routers'
 * layers their full path). The last matched layer that is a route for this method wins: `ctx._matchedRoute`
 * alone can end up holding a router-level middleware's pattern when a route handler calls `next()`.
 */
export function routeOf(ctx: KoaContext): string | undefined {
  const layers = ctx.matched;
  if (Array.isArray(layers)) {
    for (let i = layers.length - 1; i >= 0; i--) {
      if (isRouteFor(layers[i], ctx.method)) return String(layers[i].path);
    }
    return undefined;
  }
  const matched = ctx._matchedRoute ?? ctx.routerPath;
  return matched === undefined || matched === '' ? undefined : String(matched);
}

function isRouteFor(layer: RouterLayer | undefined, method: string): boolean {
  const methods = layer?.methods;
  return Array.isArray(methods) && methods.length > 0 && methods.includes(method);
}

/**
 * Errors Koa answers with a 4xx (`ctx.throw(404)`, validation errors, and ENOENT, which Koa turns into a 404)
 * are the client's: the status code tag shows them, the span is not marked as failed. Anything else is the server's.
 */
export function isServerError(error: unknown): boolean {
  return !isClientError(error);
}

/** Errors already logged on the innermost middleware span they went through. */
const recordedErrors = new WeakSet<object>();

/**
 * A child span of the active span (the server span, or the middleware span around this one) for one
 * middleware, covering it and everything downstream of it. Untraced requests call the middleware as is.
 */
export function wrapMiddleware(middleware: KoaMiddleware): KoaMiddleware {
  const name = middleware.name || 'anonymous';
  const traced = function (this: unknown, ctx: KoaContext, next: KoaNext): unknown {
    const span = startMiddlewareSpan(ctx, name);
    if (span === undefined) return middleware.call(this, ctx, next);
    let result: unknown;
    try {
      result = withSpan(span, middleware, this, ctx, next);
    } catch (error) {
      endMiddlewareSpan(span, error);
      throw error;
    }
    if (!isPromiseLike(result)) {
      endMiddlewareSpan(span, undefined);
      return result;
    }
    return result.then(
      (value) => {
        endMiddlewareSpan(span, undefined);
        return value;
      },
      (error: unknown) => {
        endMiddlewareSpan(span, error);
        throw error;
      },
    );
  };
  Object.defineProperty(traced, 'name', { value: middleware.name, configurable: true });
  Object.defineProperty(traced, 'length', { value: middleware.length, configurable: true });
  return traced;
}

function startMiddlewareSpan(ctx: KoaContext, name: string): Span | undefined {
  try {
    const record = getRequestRecord(ctx?.req);
    // Children of an unsampled request would never be reported: do not make them.
    if (record === undefined || record.finished || !isRecording(record.span) || isTracingSuppressed()) return undefined;
    const span = getTracer().startSpan(name, { childOf: getActiveSpan() ?? record.span });
    span.setTag(TAGS.COMPONENT, COMPONENT);
    span.setTag('koa.type', 'middleware');
    span.setTag('koa.name', name);
    return span;
  } catch (error) {
    reportFault('koa middleware span', error);
    return undefined;
  }
}

function endMiddlewareSpan(span: Span, error: unknown): void {
  if (error !== undefined && isServerError(error)) {
    const isObject = typeof error === 'object' && error !== null;
    if (!isObject || !recordedErrors.has(error)) recordError(span, error);
    if (isObject) recordedErrors.add(error);
  }
  finishSpan(span);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
