'use strict';
/**
 * express-service: env EXPRESS_DIR (fixture dir; default: the express this package resolves), PORT (0: free
 * port), JAEGER_SERVICE_NAME, DOWNSTREAM_URL (optional, for /fanout), TRACING=off (untraced, for the benchmark).
 * Prints `LISTENING <port>`.
 */
const traced = process.env.TRACING !== 'off';
const trace = traced ? require('@spanwise/trace-express') : undefined;
if (traced) {
  try {
    require('@spanwise/trace-http').patch();
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
  }
}
const { buildApp, loadExpress } = require('./app');

const { express, major } = loadExpress(process.env.EXPRESS_DIR);
const app = buildApp({
  express,
  major,
  traceMiddleware: trace && trace.traceMiddleware,
  getSpan: trace && trace.getSpan,
  traceOptions: { ignore: '/health' },
  downstreamUrl: process.env.DOWNSTREAM_URL,
});
const server = app.listen(Number(process.env.PORT || 0), () => {
  console.log(`LISTENING ${server.address().port}`);
});
