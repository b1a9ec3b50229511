/**
 * @spanwise/trace-koa: a Koa 2/3 middleware giving each request one server span, named after the
 * @koa/router route (`GET /users/:id`), with errors recorded and optional per-middleware spans.
 */
export { traceMiddleware, getSpan } from './middleware';
export { instrumentation, patch, unpatch, isEnabled, patchedVersions } from './instrumentation';
export { routeOf, isServerError } from './utils';
export type { KoaTraceOptions, KoaContext, KoaMiddleware } from './types';
export type { TracedKoaState } from './augment';
