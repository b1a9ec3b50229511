'use strict';
/**
 * The scenario protocol, app side (test-support/scenario.ts is the test side). In a scenario script:
 *   const { request, reportScenario } = require('<root>/test-support/scenario-app');
 *   reportScenario(result, scenarios[process.env.SCENARIO]);
 * Each step runs inside `request(name, fn)`; what the app observed goes into `result`.
 */
const { getTracer, withSpan, shutdown } = require('@spanwise/trace-core');

/** Runs `fn(span)` with a new root span `name` active; the span finishes when fn's promise settles. */
async function request(name, fn) {
  const span = getTracer().startSpan(name);
  try {
    return await withSpan(span, () => fn(span));
  } finally {
    span.finish();
  }
}

/**
 * Runs `scenario`, then flushes and closes the tracer and prints `RESULT <json of result>`; when it fails, prints
 * `FAILED <stack>` and exits with code 1.
 */
function reportScenario(result, scenario) {
  (async () => {
    if (typeof scenario !== 'function') throw new Error(`unknown SCENARIO ${process.env.SCENARIO}`);
    await scenario();
    await shutdown();
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  })().catch((error) => {
    process.stdout.write(`FAILED ${error && error.stack}\n`);
    process.exitCode = 1;
  });
}

module.exports = { request, reportScenario };
