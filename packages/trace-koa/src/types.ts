import type { IncomingMessage, ServerResponse } from 'http';
import type { ServerSpanOptions } from '@spanwise/trace-core';
import type { Span } from 'opentracing';

/** Options of `traceMiddleware`: the shared server-span options plus Koa's own. */
export interface KoaTraceOptions extends ServerSpanOptions {
  /**
   * A child span per middleware mounted (with `app.use`) after `traceMiddleware`, named after the
   * middleware function. Off by default: it costs a span per middleware per request.
   */
  middlewareSpans?: boolean;
}

/** The part of Koa's context Spanwise reads (Koa 2 and 3, @koa/router 12 to 15). */
export interface KoaContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  state: Record<string, unknown> & { span?: Span };
  /** Set by @koa/router: the layers whose path matched, across nested routers. */
  matched?: RouterLayer[];
  /** Set by @koa/router: the path of the route that matched. */
  _matchedRoute?: string | RegExp;
  routerPath?: string;
}

/** A @koa/router layer; nested routers' layers carry their full, prefixed path. */
export interface RouterLayer {
  path: string | RegExp;
  methods: string[];
}

export type KoaNext = () => Promise<unknown>;
export type KoaMiddleware = (ctx: KoaContext, next: KoaNext) => unknown;

/** Koa's Application, as far as the middleware-span patch touches it. */
export interface KoaApplication {
  middleware: KoaMiddleware[];
  use(fn: KoaMiddleware): KoaApplication;
}
