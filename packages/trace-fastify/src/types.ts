import type { IncomingMessage, ServerResponse } from 'http';
import type { ServerSpanOptions } from '@spanwise/trace-core';

/** Options of `traceMiddleware`: the shared server-span options plus Fastify's own. */
export interface FastifyTraceOptions extends ServerSpanOptions {
  /**
   * A child span per request-lifecycle hook (onRequest, preParsing, preValidation, preHandler,
   * preSerialization, onSend, onError) added after the plugin has loaded. Off by default.
   */
  hookSpans?: boolean;
}

/** The part of Fastify's request Spanwise reads (Fastify 4 and 5). */
export interface FastifyRequestLike {
  raw: IncomingMessage;
  method: string;
  /** Fastify >= 4.10: the route's full pattern (prefixes included) in `url`; no url for 404s. */
  routeOptions?: { url?: string | null };
  /** Fastify 4 before routeOptions (deprecated later in 4, removed in 5). */
  routerPath?: string;
  is404?: boolean;
  /** Set by the plugin (not enumerable): the request's server span, unless the app decorates `span` itself. */
  span?: unknown;
}

export interface FastifyReplyLike {
  raw: ServerResponse;
}

export type HookDone = (error?: unknown) => void;
export type AnyFunction = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Fastify's hooks and handlers of any signature

/** The part of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  addHook(name: string, hook: AnyFunction): unknown;
}

/** A Fastify plugin, wrapped by fastify-plugin so it is not encapsulated. */
export type FastifyTracePlugin = (fastify: FastifyInstanceLike, options: unknown, done: (error?: Error) => void) => void;
