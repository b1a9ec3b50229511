'use strict';
/**
 * OpenTelemetry comparison variant of the benchmark: `node --require bench/otel/preload.js <app>` with the app's own
 * tracing off. Starts the OTel Node SDK the way its docs recommend, restricted to the instrumentations of the libraries
 * the bench apps use (http, express, koa, mysql2, ioredis), sampling everything, batching spans (BatchSpanProcessor)
 * and exporting them as OTLP/HTTP JSON to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the bench's counting sink). On SIGTERM
 * the SDK is shut down (which flushes the queue) before the process exits, so every span the SDK kept is delivered.
 *
 * BENCH_OTEL_DIR: the directory the SDK packages are resolved from (default: this repository's devDependencies, the
 * newest that run on Node 20; fixtures/otel-latest holds the newest, for Node >= 22.15).
 */
const fs = require('fs');
const path = require('path');

const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
if (!endpoint) throw new Error('bench/otel/preload.js: set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the OTLP/HTTP traces URL)');

const sdkDir = process.env.BENCH_OTEL_DIR || path.join(__dirname, '../..');
const sdkNodeMain = require.resolve('@opentelemetry/sdk-node', { paths: [sdkDir] });
/** A package as the SDK itself resolves it (the versions it was released with). */
const fromSdk = (name) => require(require.resolve(name, { paths: [path.dirname(sdkNodeMain)] }));

const { NodeSDK } = require(sdkNodeMain);
const { getNodeAutoInstrumentations } = fromSdk('@opentelemetry/auto-instrumentations-node');
const { OTLPTraceExporter } = fromSdk('@opentelemetry/exporter-trace-otlp-http');
// SDK 3 renamed sdk-trace-base to sdk-trace, and its BatchSpanProcessor takes the exporter among its options
const sdk2 = sdkNodeDependsOn('@opentelemetry/sdk-trace-base');
const { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler } = fromSdk(sdk2 ? '@opentelemetry/sdk-trace-base' : '@opentelemetry/sdk-trace');

function sdkNodeDependsOn(name) {
  let dir = path.dirname(sdkNodeMain);
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return name in (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).dependencies ?? {});
}

/** Only the libraries the bench apps use: every other instrumentation of the auto bundle is disabled. */
function benchLibrariesOnly() {
  const keep = new Set(['http', 'express', 'koa', 'mysql2', 'ioredis'].map((name) => `@opentelemetry/instrumentation-${name}`));
  const all = getNodeAutoInstrumentations().map((instrumentation) => instrumentation.instrumentationName);
  return getNodeAutoInstrumentations(Object.fromEntries(all.map((name) => [name, { enabled: keep.has(name) }])));
}

// The SDK's defaults, written out: a queue of 2048 finished spans (dropped beyond that), exported in batches of up
// to 512 (at once when 512 are queued, else every 5 s), one export in flight, 30 s export timeout.
const batching = { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 };
const exporter = new OTLPTraceExporter({ url: endpoint });
const spanProcessor = sdk2 ? new BatchSpanProcessor(exporter, batching) : new BatchSpanProcessor({ exporter, ...batching });

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME || process.env.JAEGER_SERVICE_NAME || 'bench-otel',
  sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  spanProcessors: [spanProcessor],
  instrumentations: [benchLibrariesOnly()],
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
