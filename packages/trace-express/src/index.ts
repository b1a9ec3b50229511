/**
 * @spanwise/trace-express: tracing for Express 4 and 5. `app.use(traceMiddleware())` first, or `patch()` to trace
 * every app with no code in it; handlers read the request's span with `getSpan(req)`.
 */
export { traceMiddleware, getSpan } from './middleware';
export { instrumentation, patch, unpatch, isEnabled, patchedVersions } from './instrumentation';
export type { ExpressTraceOptions, RequestHandler } from './types';
