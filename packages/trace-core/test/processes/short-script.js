// Creates spans and does nothing else: must exit by itself, promptly, with every span delivered.
const { getTracer } = require('@spanwise/trace-core');
const count = Number(process.env.SPAN_COUNT || 5);
for (let i = 0; i < count; i++) getTracer().startSpan(`work-${i}`).finish();
