/**
 * @spanwise/trace-fastify: a Fastify 4/5 plugin giving each request one server span, named after the
 * route with its prefixes (`GET /api/users/:id`), with errors recorded and optional per-hook spans.
 */
export { traceMiddleware, getSpan } from './plugin';
export { instrumentation, patch, unpatch, isEnabled, patchedVersions, FASTIFY_VERSIONS } from './instrumentation';
export { routeOf, isServerError } from './utils';
export type { FastifyTraceOptions, FastifyTracePlugin, FastifyRequestLike } from './types';
export type { TracedFastifyRequest } from './augment';
