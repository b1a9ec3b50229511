'use strict';
// A script with hand-written spans only, run under the register. OPENTRACING_ONLY=1: it uses nothing but
// OpenTracing's global tracer (inject included). Otherwise it also exercises startActiveSpan and prints RESULTS.
const { globalTracer, FORMAT_HTTP_HEADERS, Tracer } = require('opentracing');

const tracer = globalTracer();
const unhandled = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason.message));

async function main() {
  const job = tracer.startSpan('script-job');
  const headers = {};
  tracer.inject(job.context(), FORMAT_HTTP_HEADERS, headers);
  console.log(`INJECTED ${JSON.stringify(headers)}`);
  job.finish();
  if (process.env.OPENTRACING_ONLY === '1') return;

  const { startActiveSpan, withSpan } = require('@spanwise/trace-core');
  const value = startActiveSpan('sync-outer', () => {
    tracer.startSpan('inner-default').finish();
    tracer.startSpan('root-by-references', { references: [] }).finish();
    tracer.startSpan('root-by-null', { childOf: null }).finish();
    startActiveSpan('root-by-option', { root: true }, () => undefined);
    return 42;
  });
  const awaited = await startActiveSpan('async-outer', { tags: { 'job.kind': 'async' } }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    tracer.startSpan('async-inner').finish();
    return 'done';
  });
  let thrown;
  try {
    startActiveSpan('sync-fails', () => {
      throw new TypeError('sync boom');
    });
  } catch (error) {
    thrown = error;
  }
  const rejection = new Error('async boom');
  const caught = await startActiveSpan('async-fails', async () => {
    throw rejection;
  }).catch((error) => error);
  // Left unhandled on purpose: it must still reach 'unhandledRejection', with the same reason.
  startActiveSpan('async-unhandled', () => Promise.reject(new Error('nobody handles this')));
  // A span of opentracing's own no-op tracer as parent (the fault of following the docs before Spanwise existed).
  const noop = new Tracer().startSpan('noop');
  withSpan(noop, () => tracer.startSpan('under-noop').finish());
  tracer.startSpan('child-of-noop', { childOf: noop }).finish();
  await new Promise((resolve) => setTimeout(resolve, 20));
  console.log(`RESULTS ${JSON.stringify({ value, awaited, thrown: thrown instanceof TypeError && thrown.message, sameRejection: caught === rejection, unhandled })}`);
}

main();
