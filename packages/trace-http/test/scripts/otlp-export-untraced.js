// http is patched before the tracer (and its OTLP sender) exists, and untraced calls make root spans
// (requireParent false): only the suppression around the export keeps the exporter's POSTs out of the trace.
require('@spanwise/trace-http').patch();
const core = require('@spanwise/trace-core');
const http = require('http'); // the app's require: the patch applies here
void http;

core.init({ serviceName: 'exporter-untraced', requireParent: false, reporter: { exporter: 'otlp', otlp: { endpoint: process.env.OTLP_URL }, flushIntervalMs: 20 } });

async function main() {
  for (let i = 0; i < 3; i++) {
    const span = core.getTracer().startSpan(`work-${i}`);
    core.withSpan(span, () => span.finish());
    await new Promise((r) => setTimeout(r, 100));
  }
  await core.shutdown();
}
main();
