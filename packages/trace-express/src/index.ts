/**
 * @spanwise/trace-express: tracing for Express 4 and 5. `app.use(traceMiddleware())` first; handlers read the
 * request's span with `getSpan(req)`.
 */
export { traceMiddleware, getSpan } from './middleware';
export { patch, unpatch } from './instrumentation';
export type { ExpressTraceOptions, RequestHandler } from './types';
