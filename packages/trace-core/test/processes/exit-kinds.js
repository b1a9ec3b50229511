// Finishes spans in the tick that creates the tracer, then leaves the way EXIT_KIND says.
// FLUSH_ON_EXIT=false: init({ flushOnExit: false }) (there is no environment variable for it).
const { getTracer, init } = require('@spanwise/trace-core');
if (process.env.FLUSH_ON_EXIT === 'false') init({ flushOnExit: false });
const count = Number(process.env.SPAN_COUNT || 3);
const finishSpans = () => {
  for (let i = 0; i < count; i++) getTracer().startSpan(`before-exit-${i}`).finish();
};
const kinds = {
  natural: () => {
    finishSpans();
  },
  'same-tick': () => {
    finishSpans();
    process.exit(0);
  },
  'after-await': async () => {
    await null;
    finishSpans();
    await new Promise((resolve) => setTimeout(resolve, 5));
    process.exit(3);
  },
  uncaught: () => {
    finishSpans();
    throw new Error('uncaught on purpose');
  },
  'unhandled-rejection': () => {
    finishSpans();
    void Promise.reject(new Error('rejected on purpose'));
  },
  sigterm: () => {
    finishSpans();
    process.kill(process.pid, 'SIGTERM');
    setInterval(() => undefined, 1000);
  },
};
kinds[process.env.EXIT_KIND]();
