'use strict';
/**
 * express-service: env EXPRESS_DIR (fixture dir; default: the express this package resolves), PORT (0: free
 * port), JAEGER_SERVICE_NAME, DOWNSTREAM_URL (optional, for /fanout), TRACING=off (untraced, for the benchmark),
 * SLOW_MS (how long /slow takes, default 50), TRACE_* (trace options, test-support/app-common.js).
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
const { traceOptionsFromEnv } = require('../../test-support/app-common');

const { express, major } = loadExpress(process.env.EXPRESS_DIR);
const app = buildApp({
  express,
  major,
  traceMiddleware: trace && trace.traceMiddleware,
  getSpan: trace && trace.getSpan,
  traceOptions: { ignore: '/health', ...traceOptionsFromEnv() },
  slowMs: Number(process.env.SLOW_MS || 50),
  downstreamUrl: process.env.DOWNSTREAM_URL,
});
const server = app.listen(Number(process.env.PORT || 0), () => {
  console.log(`LISTENING ${server.address().port}`);
});
