import {
  finishSpan,
  getActiveSpan,
  getRequestRecord,
  getTracer,
  isClientError,
  isRecording,
  isTracingSuppressed,
  recordError,
  reportFault,
  TAGS,
  withSpan,
} from '@spanwise/trace-core';
import type { Span } from 'opentracing';
import type { AnyFunction, FastifyRequestLike } from './types';

export const COMPONENT = 'fastify';

/** The route's full pattern, prefixes included (`/api/mid/:id`); undefined for 404s. */
export function routeOf(request: FastifyRequestLike): string | undefined {
  if (request.is404 === true) return undefined;
  const routeOptions = request.routeOptions;
  // routerPath is read only where routeOptions does not exist: later 4.x warn on it, 5 removed it.
  const url = routeOptions !== undefined ? routeOptions.url : request.routerPath;
  return typeof url === 'string' && url !== '' ? url : undefined;
}

/**
 * Errors carrying a 4xx status (validation errors, `httpErrors.notFound()`) are the client's: the status
 * code tag shows them, the span is not marked as failed. Anything else is the server's.
 */
export function isServerError(error: unknown): boolean {
  return !isClientError(error);
}

/**
 * Wrap a lifecycle hook so each call is a child span of the request's server span. Async hooks stay async
 * functions and keep their arity, so Fastify validates and calls them exactly as it would the original.
 */
export function wrapHook(hookName: string, hook: AnyFunction): AnyFunction {
  const spanName = `${hookName} ${hook.name || 'anonymous'}`;
  const traced = hook.constructor?.name === 'AsyncFunction' ? tracedAsyncHook(hook, hookName, spanName) : tracedCallbackHook(hook, hookName, spanName);
  Object.defineProperty(traced, 'name', { value: hook.name, configurable: true });
  Object.defineProperty(traced, 'length', { value: hook.length, configurable: true });
  return traced;
}

function tracedAsyncHook(hook: AnyFunction, hookName: string, spanName: string): AnyFunction {
  return async function (this: unknown, ...args: unknown[]) {
    const span = startHookSpan(args[0] as FastifyRequestLike, hookName, spanName);
    if (span === undefined) return hook.apply(this, args);
    let failed = false;
    let failure: unknown;
    try {
      return await withSpan(span, hook, this, ...args);
    } catch (error) {
      failed = true;
      failure = error;
      throw error;
    } finally {
      endHookSpan(span, failed, failure);
    }
  };
}

/** Callback hooks end when they call `done` (the last argument); the rest of the lifecycle runs under the server span again. */
function tracedCallbackHook(hook: AnyFunction, hookName: string, spanName: string): AnyFunction {
  return function (this: unknown, ...args: unknown[]) {
    const span = startHookSpan(args[0] as FastifyRequestLike, hookName, spanName);
    if (span === undefined) return hook.apply(this, args);
    const outer = getActiveSpan();
    let ended = false;
    const end = (failed: boolean, error: unknown) => {
      if (ended) return;
      ended = true;
      endHookSpan(span, failed, error);
    };
    const last = args.length - 1;
    const done = args[last];
    if (typeof done === 'function') {
      args[last] = function (this: unknown, ...doneArgs: unknown[]) {
        end(doneArgs[0] instanceof Error, doneArgs[0]);
        return withSpan(outer, done as AnyFunction, this, ...doneArgs);
      };
    }
    let result: unknown;
    try {
      result = withSpan(span, hook, this, ...args);
    } catch (error) {
      end(true, error);
      throw error;
    }
    if (isPromiseLike(result)) {
      result.then(
        () => end(false, undefined),
        (error: unknown) => end(true, error),
      );
    }
    return result;
  };
}

function startHookSpan(request: FastifyRequestLike | undefined, hookName: string, spanName: string): Span | undefined {
  try {
    const record = getRequestRecord(request?.raw);
    // Children of an unsampled request would never be reported: do not make them.
    if (record === undefined || record.finished || !isRecording(record.span) || isTracingSuppressed()) return undefined;
    const span = getTracer().startSpan(spanName, { childOf: record.span });
    span.setTag(TAGS.COMPONENT, COMPONENT);
    span.setTag('fastify.type', 'hook');
    span.setTag('hook.name', hookName);
    return span;
  } catch (error) {
    reportFault('fastify hook span', error);
    return undefined;
  }
}

function endHookSpan(span: Span, failed: boolean, error: unknown): void {
  if (failed && isServerError(error)) recordError(span, error);
  finishSpan(span);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
