// Sends two spans with the OpenTelemetry JS SDK's own OTLP exporter (argv: url, json|protobuf) and prints their ids.
const api = require('@opentelemetry/api');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const [url, kind] = process.argv.slice(2);
const { OTLPTraceExporter } = require(kind === 'json' ? '@opentelemetry/exporter-trace-otlp-http' : '@opentelemetry/exporter-trace-otlp-proto');

async function main() {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'otel-svc' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  const tracer = provider.getTracer('interop-test', '1.0.0');
  const parent = tracer.startSpan('parent', { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': 'POST', count: 3 } });
  const child = tracer.startSpan('child', { kind: api.SpanKind.CLIENT }, api.trace.setSpan(api.context.active(), parent));
  child.addEvent('cache.miss', { key: 'k' });
  child.end();
  parent.end();
  await provider.forceFlush();
  await provider.shutdown();
  process.stdout.write(JSON.stringify({ traceId: parent.spanContext().traceId, parent: parent.spanContext().spanId, child: child.spanContext().spanId }) + '\n');
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
