import type { AnyFunction } from '@spanwise/trace-core';
import type { KoaMiddleware } from './types';

/**
 * The request entry point of every Koa app, for `patch()` (auto mode: no `app.use(...)`):
 * `Application.prototype.handleRequest(ctx, fnMiddleware)`; the app's composed middleware is preceded by the trace
 * middleware, which adopts the request's server span when the http-server layer already made one.
 */
const state: { middleware?: KoaMiddleware } = {};

/** @internal The middleware run before each app's own (`patch()` sets it from its options), or none. */
export function setEntryMiddleware(middleware: KoaMiddleware | undefined): void {
  state.middleware = middleware;
}

/** One traced composition per app callback (Koa composes once per `callback()`): nothing allocated per request but the continuation. */
const tracedCompositions = new WeakMap<AnyFunction, AnyFunction>();

function traced(fnMiddleware: AnyFunction, middleware: KoaMiddleware): AnyFunction {
  let composed = tracedCompositions.get(fnMiddleware);
  if (composed === undefined) {
    composed = function tracedMiddleware(ctx: unknown, next?: () => Promise<unknown>) {
      return middleware(ctx as Parameters<KoaMiddleware>[0], () => fnMiddleware(ctx, next));
    };
    tracedCompositions.set(fnMiddleware, composed);
  }
  return composed;
}

/** @internal Exported for tests. */
export function wrapHandleRequest(original: AnyFunction): AnyFunction {
  return function handleRequest(this: unknown, ctx: unknown, fnMiddleware: unknown) {
    const middleware = state.middleware;
    if (middleware === undefined || typeof fnMiddleware !== 'function' || arguments.length !== 2) {
      return original.apply(this, arguments as unknown as unknown[]);
    }
    return original.call(this, ctx, traced(fnMiddleware as AnyFunction, middleware));
  };
}
