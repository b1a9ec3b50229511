import { getRequestRecord, Instrumentation, isRecording, recordRequestError, reportFault, setRoute, unwrapMethod, wrapMethod, type PatchDefinition } from '@spanwise/trace-core';
import type { AnyFunction, FastifyInstanceLike, FastifyRequestLike } from './types';
import { routeOf, wrapHook } from './utils';

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
    wrapMethod(Reply?.prototype, 'send', wrapSend);
    wrapMethod(Reply?.prototype, 'hijack', wrapHijack);
  },
  unpatch(Reply) {
    unwrapMethod(Reply?.prototype, 'send');
    unwrapMethod(Reply?.prototype, 'hijack');
  },
};

const replyInstrumentation = new Instrumentation('fastify', [replyPatch]);

/**
 * Name server spans by their Fastify route and record their errors from Fastify's `Reply.prototype` (used by the
 * register, which adds no plugin): the request's span itself comes from the http-server layer. Idempotent.
 */
export function patch(): void {
  replyInstrumentation.enable();
}

/** Restore Fastify's Reply. Idempotent. */
export function unpatch(): void {
  replyInstrumentation.disable();
}

/** Fastify versions whose Reply is patched (`fastify@5.2.1`). */
export function patchedVersions(): string[] {
  return [...replyInstrumentation.patchedVersions];
}
