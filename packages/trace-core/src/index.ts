/**
 * @spanwise/trace-core: tracer lifecycle and configuration, active-span context, span helpers,
 * header propagation, redaction, the shared HTTP server span, and the patching framework.
 */
export { init, getTracer, getConfig, flush, shutdown } from './tracer';
export {
  ConfigurationError,
  resolveConfig,
  parseTags,
  defaultServiceName,
  PROPAGATION_FORMATS,
  type SpanwiseOptions,
  type ResolvedConfig,
  type SamplerOptions,
  type SamplerType,
  type ReporterOptions,
  type ReporterImplementation,
  type PropagationOptions,
  type PropagationFormat,
} from './config';
export { getActiveSpan, withSpan, bindToContext, bindEmitterToContext, suppressTracing, isTracingSuppressed } from './context';
export {
  startClientSpan,
  recordError,
  finishSpan,
  injectHeaders,
  extractContext,
  isRecording,
  setTags,
  TAGS,
  type ClientSpanOptions,
  type TagMap,
  type TagValue,
} from './spans';
export {
  startServerSpan,
  getRequestRecord,
  getRequestSpan,
  setRoute,
  resolveRouteAtEnd,
  recordRequestError,
  isClientError,
  isIgnoredRequest,
  type ServerSpanOptions,
  type RequestRecord,
  type IgnoreRule,
} from './server-span';
export {
  traceFields,
  addTraceFields,
  lacksTraceFields,
  resolveLogFieldNames,
  DEFAULT_LOG_FIELDS,
  type TraceFields,
  type LogFieldNames,
  type LogCorrelationOptions,
} from './log-fields';
export { redactUrl } from './redact-url';
export { Redactor, REDACTED, DEFAULT_SENSITIVE_HEADERS, DEFAULT_SECRET_QUERY_PARAMS, type RedactionOptions } from './redaction';
export { FORMAT_W3C, FORMAT_B3, FORMAT_B3_SINGLE, type TraceParts } from './propagation';
export { Instrumentation, wrapMethod, unwrapMethod, isWrapped, findLoaded, type PatchDefinition, type ModuleInfo } from './patching';
export { log, warnOnce, reportFault, setLogger, setLogLevel, type Logger, type LogLevel } from './logger';
export { createReporter, SpanwiseReporter, type ReporterConfig, type ReporterStats, type DropReason } from './export';
/** @internal */
export { getRedactor, getPropagation, setReporterFactory, resetForTests } from './tracer';
