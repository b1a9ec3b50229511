'use strict';
/**
 * The span receivers of a bench run, all in the bench process: the Jaeger agent receiver (Spanwise's exporter, UDP
 * Thrift), the OTLP/HTTP sink (OpenTelemetry) and the fake Datadog agent (dd-trace). Each counts the spans that started
 * at or after a time, so a round counts only the spans of its own requests; `none` counts nothing (untraced variants).
 */
const { startAgent } = require('@spanwise/agent');
const { startOtlpSink } = require('./otel/otlp-sink');
const { startFakeDatadogAgent } = require('./ddtrace/fake-agent');

async function startSinks() {
  const [agent, otlp, datadog] = await Promise.all([startAgent({ port: 0 }), startOtlpSink(), startFakeDatadogAgent()]);
  const jaeger = { clear: () => agent.clear(), countSince: (startMs) => agent.spans.reduce((n, span) => (span.startTime >= startMs * 1000 ? n + 1 : n), 0) };
  const none = { clear: () => {}, countSince: () => 0 };
  return {
    agent,
    otlp,
    datadog,
    /** The sink of a variant: 'jaeger', 'otlp', 'datadog' or undefined. */
    sinkOf: (kind) => ({ jaeger, otlp, datadog })[kind] ?? none,
    async close() {
      await Promise.all([agent.close(), otlp.close(), datadog.close()]);
      for (const [name, sink] of [['OTLP sink', otlp], ['fake Datadog agent', datadog]]) {
        if (sink.errors.length) console.error(`${name} refused ${sink.errors.length} requests, first: ${sink.errors[0]}`);
      }
    },
  };
}

module.exports = { startSinks };
