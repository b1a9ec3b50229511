'use strict';
/**
 * OpenTelemetry comparison variant of the benchmark: `node --require bench/otel/preload.js <app>` with the app's own
 * tracing off (TRACING=off). Starts the OTel Node SDK the way its docs recommend, restricted to the http and express
 * instrumentations, sampling everything, batching spans (BatchSpanProcessor) and exporting them as OTLP/HTTP JSON to
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the bench's counting sink). On SIGTERM the SDK is shut down (which flushes the
 * queue) before the process exits, so every span the SDK kept is delivered and counted.
 */
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler } = require('@opentelemetry/sdk-trace-base');

const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
if (!endpoint) throw new Error('bench/otel/preload.js: set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the OTLP/HTTP traces URL)');

/** Only http and express: every other instrumentation of the auto bundle is disabled. */
function httpAndExpressOnly() {
  const keep = new Set(['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-express']);
  const all = getNodeAutoInstrumentations().map((instrumentation) => instrumentation.instrumentationName);
  return getNodeAutoInstrumentations(Object.fromEntries(all.map((name) => [name, { enabled: keep.has(name) }])));
}

// The SDK's defaults, written out: a queue of 2048 finished spans (dropped beyond that), exported in batches of up
// to 512 (at once when 512 are queued, else every 5 s), one export in flight, 30 s export timeout.
const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint }), {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 5000,
  exportTimeoutMillis: 30000,
});

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME || process.env.JAEGER_SERVICE_NAME || 'bench-otel',
  sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  spanProcessors: [spanProcessor],
  instrumentations: [httpAndExpressOnly()],
  metricReaders: [], // traces only, like the other variants
  logRecordProcessors: [],
});
sdk.start();

process.once('SIGTERM', () => {
  sdk
    .shutdown()
    .catch((error) => console.error('OpenTelemetry shutdown failed:', error))
    .finally(() => process.kill(process.pid, 'SIGTERM'));
});
