import type { FastifyRequest } from 'fastify';
import type { Span } from 'opentracing';

/** Fastify's request type, which this package augments with `span` (so `request.span` type-checks). */
export type TracedFastifyRequest = FastifyRequest;

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span, set by `traceMiddleware()` of `@spanwise/trace-fastify` (`null` when the request is not traced). */
    span: Span | null;
  }
}
