/**
 * Span export for Spanwise: a jaeger-client reporter with a purpose-built Thrift encoder and
 * bounded, counted, non-throwing UDP (agent) and HTTP (collector) transports.
 *
 * @example
 * ```ts
 * import { initTracer } from 'jaeger-client';
 * import { createReporter } from '@spanwise/trace-core/dist/export';
 * const reporter = createReporter({ agentHost: '127.0.0.1', agentPort: 6832 });
 * const tracer = initTracer({ serviceName: 'svc', sampler: { type: 'const', param: 1 } }, { reporter });
 * ```
 */
export { SpanwiseReporter } from './reporter';
export type { SpanwiseReporterOptions } from './reporter';
export { createReporter } from './create-reporter';
export { DEFAULTS, REPORTER_LIMITS } from './reporter-settings';
export type { ReporterConfig } from './reporter-settings';
export type { ReporterStats, DropReason } from './reporter-stats';
export type { ReporterLogger, Transport } from './types';
export { createOtlpReporter, OtlpHttpSender, FanoutReporter, isOtlpRetryable, OTLP_DEFAULTS, OTLP_PROTOCOLS } from './otlp-sender';
export type { OtlpReporterConfig, OtlpProtocol } from './otlp-sender';
export { OtlpProtoEncoder, OtlpJsonEncoder, otlpProtoFraming, otlpJsonFraming } from './otlp-encoder';
export type { ReporterEncoder, OtlpEncoderOptions } from './otlp-encoder';
export { SEMCONV_NAMES, SpanKind, StatusCode, resourceAttributes } from './otlp-mapping';
export type { AttributeNaming, ResourceOptions } from './otlp-mapping';
export { retryAfterMs } from './http-sender';
export { capSpanValues, shrinkSpan, truncateValue, truncateStack, DEFAULT_SPAN_LIMITS, SHRINK_STEPS, TRUNCATED_TAG } from './span-limits';
export type { SpanLimits } from './span-limits';
export { UdpSender } from './udp-sender';
export type { UdpSenderOptions } from './udp-sender';
export { HttpSender } from './http-sender';
export type { HttpSenderOptions } from './http-sender';
export {
  SpanEncoder,
  encodeSpan,
  encodeProcess,
  emitBatchFraming,
  batchFraming,
  TagType,
  SpanRefType,
} from './encoder';
export type {
  EncoderOptions,
  Framing,
  JaegerKeyValue,
  JaegerLog,
  JaegerSpanLike,
  JaegerSpanContextLike,
  ReferenceLike,
} from './encoder';
