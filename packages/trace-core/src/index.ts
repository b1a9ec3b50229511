/**
 * @spanwise/trace-core: tracer lifecycle and configuration, active-span context, span helpers,
 * header propagation, redaction, the shared HTTP server span, client-call recording (peer tags, errors, SQL
 * masking), and the patching framework.
 */
// First: capture the real timers before an app can install fake ones.
import './export/clock';
export { init, getTracer, getConfig, checkConfiguration, flush, shutdown } from './tracer';
export { checkOptionKeys, optionKeys, type OptionKeys } from './options';
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
  startActiveSpan,
  recordError,
  finishSpan,
  injectHeaders,
  extractContext,
  isRecording,
  setTags,
  TAGS,
  type ClientSpanOptions,
  type ActiveSpanOptions,
  type TagMap,
  type TagValue,
} from './spans';
export {
  startServerSpan,
  SERVER_SPAN_OPTION_KEYS,
  SERVER_SPAN_OPTION_RULES,
  getRequestRecord,
  getRequestSpan,
  setRoute,
  resolveRouteAtEnd,
  recordRequestError,
  isClientError,
  type ServerSpanOptions,
  type RequestRecord,
  type IgnoreRule,
} from './server-span';
export { hiddenProperty, type HiddenPropertySetter } from './hidden-property';
export {
  traceFields,
  addTraceFields,
  lacksTraceFields,
  resolveLogFieldNames,
  logCorrelationOptions,
  DEFAULT_LOG_FIELDS,
  type TraceFields,
  type LogFieldNames,
  type LogCorrelationOptions,
} from './log-fields';
export { redactUrl } from './redact-url';
export { Redactor, REDACTED, DEFAULT_SENSITIVE_HEADERS, DEFAULT_SECRET_QUERY_PARAMS, type RedactionOptions } from './redaction';
export { DEFAULT_SECRET_HEADER_PATTERNS, maskQuotedValues, errorWithMessage, withMaskedMessage, type HeaderPolicy } from './redaction';
export { callUserHook, reportHookFault } from './hooks';
export * from './recording';
export { FORMAT_W3C, FORMAT_B3, FORMAT_B3_SINGLE, propagationDrops, DEFAULT_PROPAGATION_LIMITS, type TraceParts, type PropagationLimits, type PropagationDrops } from './propagation';
export {
  Instrumentation,
  satisfiesVersion,
  wrapMethod,
  unwrapMethod,
  isWrapped,
  findLoaded,
  defineInstrumentation,
  supportedLibraries,
  optionRules,
  DefinedInstrumentation,
  type PatchDefinition,
  type ModuleInfo,
  type AnyFunction,
  type InstrumentationDefinition,
  type OptionsDefinition,
  type OptionRule,
  type OptionRules,
  type TracingInstrumentation,
  type HookInfo,
} from './patching';
export { serverEntryHooks, tracePlainServers, traceFrameworkServers, traceFrameworkServer, onServerListening } from './server-entry';
export { log, warnOnce, reportFault, setLogger, setLogLevel, type Logger, type LogLevel } from './logger';
export { createReporter, SpanwiseReporter, type ReporterConfig, type ReporterStats, type DropReason } from './export';
/** @internal */
export { getRedactor, getPropagation, setReporterFactory, resetForTests } from './tracer';
