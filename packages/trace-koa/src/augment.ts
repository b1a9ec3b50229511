import type { DefaultState } from 'koa';
import type { Span } from 'opentracing';

/** Koa's default `ctx.state` type, which this package augments with `span` (so `ctx.state.span` type-checks). */
export type TracedKoaState = DefaultState;

declare module 'koa' {
  interface DefaultState {
    /** The request's server span, set by `traceMiddleware()` of `@spanwise/trace-koa` (absent when the request is not traced). */
    span?: Span;
  }
}
