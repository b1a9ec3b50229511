/**
 * @spanwise/trace-auto: trace an app with no code change. `node -r @spanwise/trace-auto/register app.js`
 * (`--import` for ESM apps) instruments http/https/fetch, Express, Koa, Fastify, mysql2, ioredis and
 * Elasticsearch, whichever are installed; `instrument(options)` does the same from code.
 */
export { instrument, uninstrument, instrumentationStatus } from './auto';
/** Plain http/https server spans, defined by @spanwise/trace-http (its `patchServer`/`unpatchServer`), under their former names here. */
export { patchServer as patchHttpServer, unpatchServer as unpatchHttpServer, HTTP_SERVER_COMPONENT } from '@spanwise/trace-http';
export { INSTRUMENTATION_NAMES } from './types';
export type { AutoInstrumentOptions, HttpAutoOptions, InstrumentationName, InstrumentationStatus } from './types';
