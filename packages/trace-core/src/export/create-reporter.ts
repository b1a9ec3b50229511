import { HttpSender } from './http-sender';
import { SpanwiseReporter, type SpanwiseReporterOptions } from './reporter';
import { checkReporterSettings, DEFAULTS, usesHttp, type ReporterConfig } from './reporter-settings';
import type { Transport } from './types';
import { UdpSender } from './udp-sender';

/**
 * Validates `config` and builds a reporter: HTTP to `endpoint` when given, UDP to the agent otherwise.
 * @throws ConfigurationError naming the offending setting when the configuration is invalid.
 */
export function createReporter(config: ReporterConfig = {}): SpanwiseReporter {
  checkReporterSettings(config);
  const http = usesHttp(config);
  const transport: Transport = http
    ? new HttpSender({
        endpoint: new URL(String(config.endpoint)).toString(),
        user: config.user,
        password: config.password,
        token: config.token,
        timeoutMs: config.timeoutMs ?? DEFAULTS.timeoutMs,
        maxRetries: config.maxRetries ?? DEFAULTS.maxRetries,
        retryBackoffMs: config.retryBackoffMs ?? DEFAULTS.retryBackoffMs,
      })
    : new UdpSender({ host: config.agentHost ?? DEFAULTS.agentHost, port: config.agentPort ?? DEFAULTS.agentPort });
  return new SpanwiseReporter(transport, {
    ...queueOptions(config),
    maxPacketSize: config.maxPacketSize ?? (http ? DEFAULTS.httpMaxPacketSize : DEFAULTS.udpMaxPacketSize),
    jaegerCompatible: config.jaegerCompatible,
  });
}

/** The queueing options both exporters (Thrift and OTLP) pass on from their configuration. */
export function queueOptions(config: ReporterConfig): Omit<SpanwiseReporterOptions, 'maxPacketSize'> {
  return {
    flushIntervalMs: config.flushIntervalMs,
    maxQueueSpans: config.maxQueueSpans,
    maxQueueBytes: config.maxQueueBytes,
    closeTimeoutMs: config.closeTimeoutMs,
    logIntervalMs: config.logIntervalMs,
    maxValueLength: config.maxValueLength,
    maxStackLength: config.maxStackLength,
    logger: config.logger,
    flushOnExit: config.flushOnExit,
  };
}

