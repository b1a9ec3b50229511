import type { Span } from 'opentracing';
import { getActiveSpan, getRequestSpan, hiddenProperty, isRecording, recordRequestError, reportFault, setRoute, startServerSpan, withSpan } from '@spanwise/trace-core';
import { checkConfiguration, checkOptionKeys, optionKeys, SERVER_SPAN_OPTION_KEYS, type ServerSpanOptions } from '@spanwise/trace-core';
import { FASTIFY_VERSIONS, traceHooksAddedTo } from './instrumentation';
import type { FastifyInstanceLike, FastifyReplyLike, FastifyTraceOptions, FastifyRequestLike, FastifyTracePlugin, HookDone } from './types';
import { COMPONENT, routeOf } from './utils';

// fastify-plugin only tags the function (skip-override, name, version range): the same at run time for
// Fastify 4 and 5; its majors differ in their TypeScript types, which Spanwise does not use.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- fastify-plugin is CommonJS with no default export
const fastifyPlugin = require('fastify-plugin') as (fn: FastifyTracePlugin, meta: { fastify: string; name: string }) => FastifyTracePlugin;

/**
 * `request.span` without `decorateRequest('span')`: an app may decorate `span` itself, before or after registering
 * the plugin, and then keeps it (`getSpan(request)` still gives the span). Not enumerable, like Koa's `ctx.state.span`.
 */
const exposeSpan = hiddenProperty<Span>('span');

/**
 * A Fastify plugin tracing each request: `fastify.register(traceMiddleware())`. Not encapsulated, so routes
 * of every child plugin are traced. The server span is active for the whole lifecycle and is `request.span`
 * (unless the app decorates `span` itself).
 */
const OPTION_KEYS = [...SERVER_SPAN_OPTION_KEYS, ...optionKeys<Omit<FastifyTraceOptions, keyof ServerSpanOptions>>({ hookSpans: true })];

export function traceMiddleware(options: FastifyTraceOptions = {}): FastifyTracePlugin {
  checkOptionKeys(options, OPTION_KEYS, '@spanwise/trace-fastify traceMiddleware()');
  checkConfiguration();
  function onRequest(request: FastifyRequestLike, reply: FastifyReplyLike, done: HookDone): void {
    const record = startServerSpan(request.raw, reply.raw, COMPONENT, options);
    if (record === undefined) return done();
    exposeSpan(request, record.span);
    if (isRecording(record.span)) recordRoute(request);
    withSpan(record.span, done);
  }

  function spanwiseTrace(fastify: FastifyInstanceLike, _pluginOptions: unknown, done: (error?: Error) => void): void {
    try {
      fastify.addHook('onRequest', onRequest);
      fastify.addHook('preValidation', restoreActiveSpan);
      fastify.addHook('onError', onError);
      if (options.hookSpans) traceHooksAddedTo(fastify);
    } catch (error) {
      reportFault('fastify plugin', error);
    }
    done();
  }

  return fastifyPlugin(spanwiseTrace, { fastify: FASTIFY_VERSIONS, name: '@spanwise/trace-fastify' });
}

function recordRoute(request: FastifyRequestLike): void {
  try {
    const route = routeOf(request);
    if (route !== undefined) setRoute(request.raw, route);
  } catch (error) {
    reportFault('fastify route', error);
  }
}

/**
 * Hooks before this point may have left the request's context: a callback-style hook that calls `done` from a
 * pooled client's callback continues the lifecycle in the pool's context. Make the server span active again
 * for validation, the handler and everything after.
 */
function restoreActiveSpan(request: FastifyRequestLike, _reply: FastifyReplyLike, done: HookDone): void {
  const span = getRequestSpan(request.raw);
  if (span === undefined || getActiveSpan() === span) return done();
  withSpan(span, done);
}

/** Runs for errors thrown or sent by handlers and hooks, before the error handler answers. */
function onError(request: FastifyRequestLike, _reply: FastifyReplyLike, error: unknown, done: HookDone): void {
  recordRequestError(request.raw, error);
  done();
}

/** The server span of the request (also `request.span`), or undefined when the request is not traced. */
export function getSpan(request: { raw: FastifyRequestLike['raw'] }): Span | undefined {
  return getRequestSpan(request?.raw);
}
