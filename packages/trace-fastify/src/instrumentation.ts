import * as diagnosticsChannel from 'diagnostics_channel';
import { defineInstrumentation, getRequestRecord, isRecording, log, optionKeys, optionRules, recordRequestError, reportFault, satisfiesVersion, SERVER_SPAN_OPTION_KEYS, SERVER_SPAN_OPTION_RULES, serverEntryHooks, setRoute, traceFrameworkServer, traceFrameworkServers, unwrapMethod, warnOnce, wrapMethod, type PatchDefinition, type ServerSpanOptions } from '@spanwise/trace-core';
import type { AnyFunction, FastifyInstanceLike, FastifyRequestLike, FastifyTraceOptions } from './types';
import { COMPONENT, routeOf, wrapHook } from './utils';

/** Hooks that run inside a request while its server span is open. */
const REQUEST_HOOKS = new Set(['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onError']);

/**
 * Hook spans: the instance's `addHook` (inherited by every child instance, Fastify creates them with
 * Object.create) wraps request hooks added from now on. Hooks added earlier are left as they are.
 */
export function traceHooksAddedTo(fastify: FastifyInstanceLike): void {
  wrapMethod(fastify, 'addHook', (original) =>
    function addHook(this: FastifyInstanceLike, ...args: unknown[]) {
      const [name, hook] = args as [string, AnyFunction];
      if (args.length !== 2 || typeof hook !== 'function' || !REQUEST_HOOKS.has(name)) return original.apply(this, args);
      let traced: AnyFunction;
      try {
        traced = wrapHook(name, hook);
      } catch (error) {
        reportFault('fastify addHook', error);
        return original.apply(this, args);
      }
      return original.call(this, name, traced);
    },
  );
}

// --- Replies: route and errors with no plugin, no hook, no decorator ---------------------------------------

interface ReplyLike {
  request?: FastifyRequestLike;
}

/**
 * Every answer goes through `reply.send` (handlers' return values, thrown errors, hook errors, body parser
 * errors, `reply.send(error)`: the same errors Fastify hands to `onError` hooks) or `reply.hijack()`. At that
 * point the request's route is known, so the server span that the http-server layer started for the request
 * (auto mode) is named and its error recorded there. Requests without a server span pay one symbol lookup.
 */
function noteReply(reply: ReplyLike, payload: unknown): void {
  try {
    const request = reply.request;
    const req = request?.raw;
    const record = getRequestRecord(req);
    if (record === undefined || record.finished || request === undefined || req === undefined) return;
    if (record.route === undefined && isRecording(record.span)) {
      const route = routeOf(request);
      if (route !== undefined) setRoute(req, route);
    }
    if (payload instanceof Error) recordRequestError(req, payload);
  } catch (error) {
    reportFault('fastify reply', error);
  }
}

function wrapSend(original: AnyFunction): AnyFunction {
  return function send(this: ReplyLike, payload?: unknown) {
    noteReply(this, payload);
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

function wrapHijack(original: AnyFunction): AnyFunction {
  return function hijack(this: ReplyLike) {
    noteReply(this, undefined);
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

type ReplyClass = { prototype: object };

export const FASTIFY_VERSIONS = '>=4.0.0 <6';

const replyPatch: PatchDefinition<ReplyClass> = {
  module: 'fastify',
  file: 'lib/reply.js',
  versions: FASTIFY_VERSIONS,
  patch(Reply) {
    instrumentation.wrap(Reply?.prototype, 'send', wrapSend);
    instrumentation.wrap(Reply?.prototype, 'hijack', wrapHijack);
  },
  unpatch(Reply) {
    unwrapMethod(Reply?.prototype, 'send');
    unwrapMethod(Reply?.prototype, 'hijack');
  },
};

// --- Instances: their servers traced at the request entry point, as Fastify's -------------------------------

const FASTIFY_CHANNEL = 'fastify.initialization';
const fastifyVersions = new Set<string>();

interface FastifyInstance {
  version?: string;
  server?: object;
}

/**
 * Each new Fastify instance (published on `fastify.initialization`) has its server traced at the request entry point
 * (core's `serverEntryHooks`), as Fastify's: no plugin, so the app's plugin tree, decorators and hook lists stay
 * exactly as the app builds them. Fastify's own files are required with `require`, so this works for ESM apps too.
 */
function onFastifyInstance(message: unknown): void {
  const fastify = (message as { fastify?: FastifyInstance } | undefined)?.fastify;
  try {
    const version = String(fastify?.version ?? '');
    if (!satisfiesVersion(version, FASTIFY_VERSIONS)) {
      warnOnce(`version:fastify@${version}`, `fastify@${version || 'unknown'} is outside the versions Spanwise's fastify instrumentation supports (${FASTIFY_VERSIONS}): it is not traced`);
      return;
    }
    const server = fastify?.server;
    if (typeof server !== 'object' || server === null) return;
    traceFrameworkServer(server, COMPONENT);
    if (!fastifyVersions.has(version)) log.debug(`fastify@${version}: new instances' servers traced`);
    fastifyVersions.add(version);
  } catch (error) {
    reportFault('fastify auto-instrumentation', error);
  }
}

let subscribed = false;

/** Hook spans need the explicit plugin (wrapping the app's hooks would change its hook lists): not with `patch()`. */
function serverOptions(options: FastifyTraceOptions): ServerSpanOptions {
  const { hookSpans, ...server } = options;
  if (hookSpans) warnOnce('auto:fastify.hookSpans', 'fastify.hookSpans is not available in auto mode (it would wrap the app\'s hooks): register traceMiddleware({ hookSpans: true }) from @spanwise/trace-fastify instead');
  return server;
}

function tracePatchedInstances(options: FastifyTraceOptions): void {
  if (!subscribed) diagnosticsChannel.subscribe(FASTIFY_CHANNEL, onFastifyInstance);
  subscribed = true;
  traceFrameworkServers(COMPONENT, serverOptions(options));
}

function stopTracingInstances(): void {
  if (subscribed) diagnosticsChannel.unsubscribe(FASTIFY_CHANNEL, onFastifyInstance);
  subscribed = false;
  traceFrameworkServers(COMPONENT, undefined);
  fastifyVersions.clear();
}

/**
 * `patch(options)`: every Fastify instance created from now on is traced with no plugin (what the register does):
 * the request's span comes from the request entry point, and Fastify's `Reply.prototype` names it by route and
 * records its errors. `unpatch()` restores Fastify's Reply and stops tracing new requests. Idempotent.
 */
export const instrumentation = defineInstrumentation({
  name: 'fastify',
  packageName: '@spanwise/trace-fastify',
  hooks: [replyPatch, ...serverEntryHooks()],
  options: {
    keys: [...SERVER_SPAN_OPTION_KEYS, ...optionKeys<Omit<FastifyTraceOptions, keyof ServerSpanOptions>>({ hookSpans: true })],
    rules: { ...SERVER_SPAN_OPTION_RULES, hookSpans: optionRules.boolean },
    resolve: (options: FastifyTraceOptions | undefined): FastifyTraceOptions => options ?? {},
  },
  onPatch: tracePatchedInstances,
  onUnpatch: stopTracingInstances,
  // The request entry point's builtins are Node's, not a Fastify version.
  describeVersion: (module, version) => (module === 'fastify' ? `fastify@${version}` : undefined),
});

export const { patch, unpatch, isEnabled, patchedVersions } = instrumentation;
