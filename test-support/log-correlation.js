'use strict';
/**
 * Shared driver of the log correlation scenarios (pino, winston, bunyan), run in a real process. The caller
 * passes `makeLogger(Module, fields)` (a logger writing JSON lines to stdout, bound to `fields` for the child
 * case) and `log(logger, object, message)`. env: FIXTURE_DIR, MODULE, SCENARIO ('patch' | 'register'),
 * ADAPTER (the package with patch/unpatch), TRACE_OPTIONS (JSON). Prints `RESULT <json>` last.
 */
const { getTracer, withSpan, shutdown } = require('@spanwise/trace-core');

module.exports = async function runLogScenario({ makeLogger, log, flushLogger }) {
  const scenario = process.env.SCENARIO || 'patch';
  const options = process.env.TRACE_OPTIONS ? JSON.parse(process.env.TRACE_OPTIONS) : undefined;
  const adapter = scenario === 'patch' ? require(process.env.ADAPTER) : undefined;
  if (adapter) adapter.patch(options);
  const Module = require(require.resolve(process.env.MODULE, { paths: [process.env.FIXTURE_DIR] }));
  const version = require(require.resolve(`${process.env.MODULE}/package.json`, { paths: [process.env.FIXTURE_DIR] })).version;
  const logger = makeLogger(Module);
  const child = makeLogger(Module, { trace_id: 'bound-by-app' });
  const result = { version, patched: adapter ? adapter.patchedVersions() : undefined };

  log(logger, undefined, 'outside');
  const span = getTracer().startSpan('logging-request');
  const own = { user: 'u1' };
  const ownKeysBefore = Object.keys(own);
  withSpan(span, () => {
    log(logger, undefined, 'inside');
    log(logger, own, 'inside-with-object');
    log(logger, { trace_id: 'set-by-app', detail: 1 }, 'app-trace-id');
    log(child, undefined, 'child-bound');
  });
  result.ownKeysUnchanged = JSON.stringify(Object.keys(own)) === JSON.stringify(ownKeysBefore);
  span.finish();
  if (adapter) {
    adapter.unpatch();
    withSpan(span, () => log(logger, undefined, 'after-unpatch'));
  }
  if (flushLogger) await flushLogger(logger);
  await shutdown();
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
};
