// Creates one span under jaeger-client's remote sampler, optionally stays busy a while (so the sampler's first refresh
// fires and starts its refresh interval), then has nothing left to do: must exit by itself.
const { getTracer } = require('@spanwise/trace-core');
getTracer().startSpan('sampled-remotely').finish();
const lingerMs = Number(process.env.LINGER_MS || 0);
if (lingerMs > 0) setTimeout(() => {}, lingerMs);
