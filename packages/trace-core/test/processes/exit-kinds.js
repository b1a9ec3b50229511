// Finishes spans in the tick that creates the tracer, then leaves the way EXIT_KIND says.
const { getTracer } = require('@spanwise/trace-core');
const count = Number(process.env.SPAN_COUNT || 3);
const finishSpans = () => {
  for (let i = 0; i < count; i++) getTracer().startSpan(`before-exit-${i}`).finish();
};
const kinds = {
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
