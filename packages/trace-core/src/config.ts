import * as fs from 'fs';
import * as path from 'path';
import type { Tracer } from 'opentracing';
import { isLogLevel, LOG_LEVELS, type Logger, type LogLevel } from './logger';
import type { RedactionOptions } from './redaction';
import { DEFAULT_PROPAGATION_LIMITS, type PropagationLimits } from './propagation/limits';
import { ConfigurationError } from './configuration-error';
import { checkReporterSettings } from './export/reporter-settings';

export type SamplerType = 'const' | 'probabilistic' | 'ratelimiting' | 'remote';
export type PropagationFormat = 'jaeger' | 'w3c' | 'b3' | 'b3-single';
export const PROPAGATION_FORMATS: readonly PropagationFormat[] = ['jaeger', 'w3c', 'b3', 'b3-single'];
const SAMPLER_TYPES: readonly SamplerType[] = ['const', 'probabilistic', 'ratelimiting', 'remote'];

export interface SamplerOptions {
  /** `const` (param 1 = all, 0 = none), `probabilistic` (param = fraction), `ratelimiting` (param = traces/s), `remote`. */
  type: SamplerType;
  param: number;
  /** For `remote`: the agent's sampling endpoint, `host:port`. */
  hostPort?: string;
  refreshIntervalMs?: number;
}

export type ReporterImplementation = 'spanwise' | 'jaeger-client';
export const REPORTER_IMPLEMENTATIONS: readonly ReporterImplementation[] = ['spanwise', 'jaeger-client'];

export type ExporterChoice = 'jaeger' | 'otlp' | 'both';
export const EXPORTER_CHOICES: readonly ExporterChoice[] = ['jaeger', 'otlp', 'both'];
export type OtlpProtocolOption = 'http/protobuf' | 'http/json';

/** OTLP/HTTP export settings (the standard `OTEL_EXPORTER_OTLP_*` variables). */
export interface OtlpOptions {
  /** Full traces URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`). */
  endpoint?: string;
  /** `http/protobuf` (default) or `http/json` (`OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL`). */
  protocol?: OtlpProtocolOption;
  /** Request headers (`OTEL_EXPORTER_OTLP_[TRACES_]HEADERS=k=v,k2=v2`). */
  headers?: Record<string, string>;
  /** `gzip` or `none` (`OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION`). */
  compression?: 'gzip' | 'none';
  /** Per-request timeout in ms (`OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT`, default 10000). */
  timeoutMs?: number;
  /** Span tag names: `semconv` (default) or `opentracing` (`SPANWISE_OTLP_ATTRIBUTES`). */
  attributeNaming?: 'semconv' | 'opentracing';
  /** Resource attributes (`OTEL_RESOURCE_ATTRIBUTES=k=v,...`); `service.version` among them is used. */
  resourceAttributes?: Record<string, string>;
  /** `service.version`; default `service.version` of the resource attributes, else the app's package.json version. */
  serviceVersion?: string;
}

export interface ReporterOptions {
  /**
   * Where spans go (`SPANWISE_EXPORTER`): `jaeger` (Thrift to the agent or `endpoint`), `otlp` (OTLP/HTTP), or
   * `both`. Default: `otlp` when an OTLP endpoint is configured, else `jaeger`.
   */
  exporter?: ExporterChoice;
  /** OTLP/HTTP settings. */
  otlp?: OtlpOptions;
  /** `spanwise` (default): the fast, bounded exporter; `jaeger-client`: jaeger-client's RemoteReporter (`SPANWISE_REPORTER`). */
  implementation?: ReporterImplementation;
  agentHost?: string;
  agentPort?: number;
  /** Collector endpoint (`http://collector:14268/api/traces`); when set, spans go over HTTP instead of UDP. */
  endpoint?: string;
  user?: string;
  password?: string;
  /** Bearer token for the collector (`JAEGER_AUTH_TOKEN`); not with user/password. */
  token?: string;
  flushIntervalMs?: number;
  timeoutMs?: number;
  logSpans?: boolean;
  /** Largest UDP packet (`SPANWISE_MAX_PACKET_SIZE`, default 65000; macOS's default limit is 9216). */
  maxPacketSize?: number;
  /** Spans buffered at most while the agent or collector is slow or down (default 10000); more are dropped and counted. */
  maxQueueSpans?: number;
  /** Bytes buffered at most (default 16 MiB). */
  maxQueueBytes?: number;
  /** Retries of a failed collector request (default 3, with exponential backoff). */
  maxRetries?: number;
  /** Longest string tag or log value exported, in characters (`SPANWISE_MAX_VALUE_LENGTH`, default 8192); longer ones are cut. */
  maxValueLength?: number;
  /** Longest stack trace exported, in characters (`SPANWISE_MAX_STACK_LENGTH`, default 8192). */
  maxStackLength?: number;
}

export interface PropagationOptions {
  /** Formats written into outgoing requests. Default `['jaeger', 'w3c']`. */
  inject?: PropagationFormat[];
  /** Formats read from incoming requests, first match wins. Default `['jaeger', 'w3c', 'b3', 'b3-single']`. */
  extract?: PropagationFormat[];
  /** Baggage items kept from an incoming request's `uberctx-*` and `baggage` headers (`SPANWISE_MAX_BAGGAGE_ITEMS`, default 32). */
  maxBaggageItems?: number;
  /** Characters of incoming baggage kept, keys plus values (`SPANWISE_MAX_BAGGAGE_BYTES`, default 2048). */
  maxBaggageBytes?: number;
  /** Characters of an incoming W3C `tracestate` passed on (`SPANWISE_MAX_TRACESTATE_BYTES`, default 512). */
  maxTraceStateBytes?: number;
}

/** Options of `init()`. Every option overrides the matching environment variable. */
export interface SpanwiseOptions {
  /** Service name; default `JAEGER_SERVICE_NAME`, then the app's package.json name. */
  serviceName?: string;
  /** Use this OpenTracing tracer instead of creating a jaeger-client one. */
  tracer?: Tracer;
  /** Turn tracing off (`JAEGER_DISABLED=true`): a no-op tracer is installed. */
  disabled?: boolean;
  sampler?: SamplerOptions;
  reporter?: ReporterOptions;
  /** Process tags on every span of this service (`JAEGER_TAGS=k=v,k2=${ENV:default}`). */
  tags?: Record<string, string | number | boolean>;
  propagation?: PropagationOptions;
  /** Start new traces with 128-bit trace ids (default false, as jaeger-client: 128-bit ids cost ~1 µs more per span there; W3C headers carry 64-bit ids zero-padded). */
  traceId128bit?: boolean;
  /** Client calls made while no span is active create no span (default true; `SPANWISE_REQUIRE_PARENT=false`). */
  requireParent?: boolean;
  redaction?: RedactionOptions;
  logLevel?: LogLevel;
  logger?: Logger;
  /** Flush at exit and on SIGTERM/SIGINT (default true). */
  flushOnExit?: boolean;
  /** How long exit and signal flushes may wait, ms (default 2000). */
  flushTimeoutMs?: number;
}

export interface ResolvedConfig {
  serviceName: string;
  tracer?: Tracer;
  disabled: boolean;
  sampler: SamplerOptions;
  /** `exporterNotice`: set when both a Jaeger target and an OTLP endpoint are configured (logged at startup). */
  reporter: ReporterOptions & { exporterNotice?: string };
  tags: Record<string, string | number | boolean>;
  inject: PropagationFormat[];
  extract: PropagationFormat[];
  /** Caps on incoming baggage and tracestate. */
  propagationLimits: PropagationLimits;
  traceId128bit: boolean;
  requireParent: boolean;
  redaction: RedactionOptions;
  logLevel: LogLevel;
  logger?: Logger;
  flushOnExit: boolean;
  flushTimeoutMs: number;
}

export { ConfigurationError } from './configuration-error';

type Env = Record<string, string | undefined>;

export function resolveConfig(options: SpanwiseOptions = {}, env: Env = process.env): ResolvedConfig {
  const logLevel = options.logLevel ?? parseLogLevel(env);
  return {
    serviceName:
      options.serviceName ??
      nonEmpty(env.JAEGER_SERVICE_NAME) ??
      nonEmpty(env.OTEL_SERVICE_NAME) ??
      nonEmpty(parseKeyValues(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES')['service.name']) ??
      defaultServiceName(),
    tracer: options.tracer,
    disabled: options.disabled ?? parseBoolean(env, 'JAEGER_DISABLED', false),
    sampler: validateSampler(options.sampler ?? samplerFromEnv(env), options.sampler ? 'sampler' : 'JAEGER_SAMPLER_'),
    reporter: chooseExporter(validateReporter({ ...reporterFromEnv(env), ...options.reporter }), resolveOtlp(options.reporter?.otlp, env)),
    tags: options.tags ?? parseTags(env.JAEGER_TAGS, env),
    inject: validateFormats(options.propagation?.inject ?? formatsFromEnv(env, 'SPANWISE_PROPAGATION_INJECT') ?? ['jaeger', 'w3c'], 'propagation.inject'),
    extract: validateFormats(
      options.propagation?.extract ?? formatsFromEnv(env, 'SPANWISE_PROPAGATION_EXTRACT') ?? ['jaeger', 'w3c', 'b3', 'b3-single'],
      'propagation.extract',
    ),
    propagationLimits: resolvePropagationLimits(options.propagation ?? {}, env),
    traceId128bit: options.traceId128bit ?? parseBoolean(env, 'SPANWISE_TRACEID_128BIT', false),
    requireParent: options.requireParent ?? parseBoolean(env, 'SPANWISE_REQUIRE_PARENT', true),
    redaction: options.redaction ?? {},
    logLevel,
    logger: options.logger,
    flushOnExit: options.flushOnExit ?? true,
    flushTimeoutMs: positiveNumber(options.flushTimeoutMs ?? 2000, 'flushTimeoutMs'),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseLogLevel(env: Env): LogLevel {
  const value = nonEmpty(env.SPANWISE_LOG_LEVEL)?.toLowerCase();
  if (value === undefined) return 'warn';
  if (!isLogLevel(value)) throw new ConfigurationError('SPANWISE_LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, value);
  return value;
}

export function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = nonEmpty(env[name])?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigurationError(name, 'true or false', env[name]);
}

function parseNumber(env: Env, name: string): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigurationError(name, 'a number', raw);
  return value;
}

function positiveNumber(value: number, setting: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(setting, 'a positive number', value);
  }
  return value;
}

function samplerFromEnv(env: Env): SamplerOptions {
  const type = nonEmpty(env.JAEGER_SAMPLER_TYPE);
  const param = parseNumber(env, 'JAEGER_SAMPLER_PARAM');
  // jaeger-client alone would poll a remote sampler (usually absent) and sample 0.1%: we sample everything.
  if (type === undefined) return { type: 'const', param: param ?? 1 };
  if (!SAMPLER_TYPES.includes(type as SamplerType)) {
    throw new ConfigurationError('JAEGER_SAMPLER_TYPE', `one of ${SAMPLER_TYPES.join(', ')}`, type);
  }
  return {
    type: type as SamplerType,
    param: param ?? (type === 'probabilistic' ? 0.001 : 1),
    hostPort: nonEmpty(env.JAEGER_SAMPLER_MANAGER_HOST_PORT),
    refreshIntervalMs: parseNumber(env, 'JAEGER_SAMPLER_REFRESH_INTERVAL'),
  };
}

function validateSampler(sampler: SamplerOptions, prefix: string): SamplerOptions {
  const typeName = prefix === 'sampler' ? 'sampler.type' : 'JAEGER_SAMPLER_TYPE';
  const paramName = prefix === 'sampler' ? 'sampler.param' : 'JAEGER_SAMPLER_PARAM';
  if (!SAMPLER_TYPES.includes(sampler.type)) throw new ConfigurationError(typeName, `one of ${SAMPLER_TYPES.join(', ')}`, sampler.type);
  if (typeof sampler.param !== 'number' || !Number.isFinite(sampler.param)) throw new ConfigurationError(paramName, 'a number', sampler.param);
  if (sampler.type === 'probabilistic' && (sampler.param < 0 || sampler.param > 1)) {
    throw new ConfigurationError(paramName, 'between 0 and 1 for the probabilistic sampler', sampler.param);
  }
  if (sampler.type === 'const' && sampler.param !== 0 && sampler.param !== 1) {
    throw new ConfigurationError(paramName, '0 or 1 for the const sampler', sampler.param);
  }
  if (sampler.type === 'ratelimiting' && sampler.param < 0) {
    throw new ConfigurationError(paramName, 'a non-negative number of traces per second', sampler.param);
  }
  return sampler;
}

function reporterFromEnv(env: Env): ReporterOptions {
  const reporter: ReporterOptions = {
    agentHost: nonEmpty(env.JAEGER_AGENT_HOST),
    agentPort: parseNumber(env, 'JAEGER_AGENT_PORT'),
    endpoint: nonEmpty(env.JAEGER_ENDPOINT),
    implementation: reporterImplementationFromEnv(env),
    exporter: exporterFromEnv(env),
    user: nonEmpty(env.JAEGER_USER),
    password: env.JAEGER_PASSWORD,
    token: nonEmpty(env.JAEGER_AUTH_TOKEN),
    maxPacketSize: parseNumber(env, 'SPANWISE_MAX_PACKET_SIZE'),
    maxQueueSpans: parseNumber(env, 'SPANWISE_MAX_QUEUE_SPANS'),
    maxValueLength: parseNumber(env, 'SPANWISE_MAX_VALUE_LENGTH'),
    maxStackLength: parseNumber(env, 'SPANWISE_MAX_STACK_LENGTH'),
    flushIntervalMs: parseNumber(env, 'JAEGER_REPORTER_FLUSH_INTERVAL'),
    timeoutMs: parseNumber(env, 'JAEGER_REPORTER_TIMEOUT'),
    logSpans: env.JAEGER_REPORTER_LOG_SPANS === undefined ? undefined : parseBoolean(env, 'JAEGER_REPORTER_LOG_SPANS', false),
  };
  for (const key of Object.keys(reporter) as (keyof ReporterOptions)[]) if (reporter[key] === undefined) delete reporter[key];
  return reporter;
}

function exporterFromEnv(env: Env): ExporterChoice | undefined {
  const value = nonEmpty(env.SPANWISE_EXPORTER);
  if (value !== undefined && !EXPORTER_CHOICES.includes(value as ExporterChoice)) {
    throw new ConfigurationError('SPANWISE_EXPORTER', `one of ${EXPORTER_CHOICES.join(', ')}`, value);
  }
  return value as ExporterChoice | undefined;
}

/** `k=v,k2=v2` with percent-encoded values (W3C baggage octets), as OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES are written. */
export function parseKeyValues(raw: string | undefined, setting: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (nonEmpty(raw) === undefined) return out;
  for (const pair of raw!.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!key) throw new ConfigurationError(setting, 'a comma list of key=value', setting.includes('HEADERS') ? '<hidden>' : raw);
    try {
      out[decodeURIComponent(key)] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new ConfigurationError(setting, 'percent-encoded key=value pairs', setting.includes('HEADERS') ? '<hidden>' : raw);
    }
  }
  return out;
}

/** The OTLP settings: code options over `OTEL_EXPORTER_OTLP_TRACES_*` over `OTEL_EXPORTER_OTLP_*`. */
function resolveOtlp(options: OtlpOptions | undefined, env: Env): OtlpOptions {
  const pick = (name: string): [string, string] | undefined => {
    for (const full of [`OTEL_EXPORTER_OTLP_TRACES_${name}`, `OTEL_EXPORTER_OTLP_${name}`]) {
      const v = nonEmpty(env[full]);
      if (v !== undefined) return [full, v];
    }
    return undefined;
  };
  const otlp: OtlpOptions = { ...options };
  const tracesEndpoint = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const baseEndpoint = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const endpointSetting = otlp.endpoint !== undefined ? 'reporter.otlp.endpoint' : tracesEndpoint ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  otlp.endpoint ??= tracesEndpoint ?? (baseEndpoint ? `${baseEndpoint.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (otlp.endpoint !== undefined && !isHttpUrl(otlp.endpoint)) {
    throw new ConfigurationError(endpointSetting, 'an http(s) URL such as http://collector:4318', otlp.endpoint);
  }
  const protocol = pick('PROTOCOL');
  if (otlp.protocol === undefined && protocol) otlp.protocol = protocol[1] as OtlpProtocolOption;
  if (otlp.protocol !== undefined && otlp.protocol !== 'http/protobuf' && otlp.protocol !== 'http/json') {
    throw new ConfigurationError(protocol && !options?.protocol ? protocol[0] : 'reporter.otlp.protocol', 'http/protobuf or http/json (grpc is not supported)', otlp.protocol);
  }
  const compression = pick('COMPRESSION');
  if (otlp.compression === undefined && compression) otlp.compression = compression[1] as 'gzip' | 'none';
  if (otlp.compression !== undefined && otlp.compression !== 'gzip' && otlp.compression !== 'none') {
    throw new ConfigurationError(compression && !options?.compression ? compression[0] : 'reporter.otlp.compression', 'gzip or none', otlp.compression);
  }
  const timeout = pick('TIMEOUT');
  if (otlp.timeoutMs === undefined && timeout) otlp.timeoutMs = Number(timeout[1]);
  const timeoutSetting = timeout && !options?.timeoutMs ? timeout[0] : 'reporter.otlp.timeoutMs';
  if (timeout && Number.isNaN(otlp.timeoutMs)) throw new ConfigurationError(timeoutSetting, 'a number of milliseconds', timeout[1]);
  checkReporterSettings({ timeoutMs: otlp.timeoutMs }, () => timeoutSetting);
  const headers = pick('HEADERS');
  if (otlp.headers === undefined && headers) otlp.headers = parseKeyValues(headers[1], headers[0]);
  const naming = nonEmpty(env.SPANWISE_OTLP_ATTRIBUTES);
  if (otlp.attributeNaming === undefined && naming) otlp.attributeNaming = naming as 'semconv' | 'opentracing';
  if (otlp.attributeNaming !== undefined && otlp.attributeNaming !== 'semconv' && otlp.attributeNaming !== 'opentracing') {
    throw new ConfigurationError(naming && !options?.attributeNaming ? 'SPANWISE_OTLP_ATTRIBUTES' : 'reporter.otlp.attributeNaming', 'semconv or opentracing', otlp.attributeNaming);
  }
  otlp.resourceAttributes ??= parseKeyValues(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES');
  otlp.serviceVersion ??= otlp.resourceAttributes['service.version'] ?? defaultServiceVersion();
  return otlp;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * `otlp` when an OTLP endpoint is configured and no exporter was chosen. When a Jaeger target is configured too,
 * `exporterNotice` says which one is used, for the startup log.
 */
function chooseExporter(reporter: ReporterOptions, otlp: OtlpOptions): ReporterOptions & { exporterNotice?: string } {
  const hasOtlp = otlp.endpoint !== undefined;
  const hasJaeger = reporter.endpoint !== undefined || reporter.agentHost !== undefined || reporter.agentPort !== undefined;
  // Jaeger only (the default): the reporter options stay as they were before OTLP existed
  if (reporter.exporter === 'jaeger' || (reporter.exporter === undefined && !hasOtlp)) return reporter;
  if (reporter.exporter !== undefined || !hasJaeger) return { ...reporter, exporter: reporter.exporter ?? 'otlp', otlp };
  return {
    ...reporter,
    exporter: 'otlp',
    otlp,
    exporterNotice:
      `Spanwise: both a Jaeger target (${reporter.endpoint ?? `${reporter.agentHost ?? '127.0.0.1'}:${reporter.agentPort ?? 6832}`}) and an OTLP endpoint ` +
      `(${otlp.endpoint}) are configured; exporting OTLP only. Set SPANWISE_EXPORTER=both (reporter.exporter: 'both') to send to both, or =jaeger.`,
  };
}

function reporterImplementationFromEnv(env: Env): ReporterImplementation | undefined {
  const value = nonEmpty(env.SPANWISE_REPORTER);
  if (value === undefined) return undefined;
  if (!REPORTER_IMPLEMENTATIONS.includes(value as ReporterImplementation)) {
    throw new ConfigurationError('SPANWISE_REPORTER', `one of ${REPORTER_IMPLEMENTATIONS.join(', ')}`, value);
  }
  return value as ReporterImplementation;
}

function validateReporter(reporter: ReporterOptions): ReporterOptions {
  if (reporter.exporter !== undefined && !EXPORTER_CHOICES.includes(reporter.exporter)) {
    throw new ConfigurationError('reporter.exporter', `one of ${EXPORTER_CHOICES.join(', ')}`, reporter.exporter);
  }
  if (reporter.implementation !== undefined && !REPORTER_IMPLEMENTATIONS.includes(reporter.implementation)) {
    throw new ConfigurationError('reporter.implementation', `one of ${REPORTER_IMPLEMENTATIONS.join(', ')}`, reporter.implementation);
  }
  checkReporterSettings(reporter, reporterSettingName);
  return reporter;
}

/** Environment variable of each reporter setting, named with the option in errors. */
const REPORTER_VARIABLES: Record<string, string> = {
  agentHost: 'JAEGER_AGENT_HOST',
  agentPort: 'JAEGER_AGENT_PORT',
  endpoint: 'JAEGER_ENDPOINT',
  'user/password': 'JAEGER_USER/JAEGER_PASSWORD',
  token: 'JAEGER_AUTH_TOKEN',
  maxPacketSize: 'SPANWISE_MAX_PACKET_SIZE',
  maxQueueSpans: 'SPANWISE_MAX_QUEUE_SPANS',
  maxValueLength: 'SPANWISE_MAX_VALUE_LENGTH',
  maxStackLength: 'SPANWISE_MAX_STACK_LENGTH',
  flushIntervalMs: 'JAEGER_REPORTER_FLUSH_INTERVAL',
  timeoutMs: 'JAEGER_REPORTER_TIMEOUT',
};

function reporterSettingName(key: string): string {
  const variable = REPORTER_VARIABLES[key];
  return variable ? `${variable} (reporter.${key})` : `reporter.${key}`;
}

function integerAtLeast(value: number | undefined, min: number, setting: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 2 ** 30)) {
    throw new ConfigurationError(setting, `an integer of at least ${min}`, value);
  }
}

const PROPAGATION_LIMIT_SETTINGS = [
  ['maxBaggageItems', 'SPANWISE_MAX_BAGGAGE_ITEMS', 0],
  ['maxBaggageBytes', 'SPANWISE_MAX_BAGGAGE_BYTES', 0],
  ['maxTraceStateBytes', 'SPANWISE_MAX_TRACESTATE_BYTES', 0],
] as const;

function resolvePropagationLimits(options: PropagationOptions, env: Env): PropagationLimits {
  const limits: PropagationLimits = { ...DEFAULT_PROPAGATION_LIMITS };
  for (const [key, variable, min] of PROPAGATION_LIMIT_SETTINGS) {
    const value = options[key] ?? parseNumber(env, variable);
    if (value === undefined) continue;
    integerAtLeast(value, min, `${variable} (propagation.${key})`);
    limits[key] = value;
  }
  return limits;
}

function formatsFromEnv(env: Env, name: string): PropagationFormat[] | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const formats = raw.split(',').map((f) => f.trim()).filter(Boolean);
  for (const format of formats) {
    if (!PROPAGATION_FORMATS.includes(format as PropagationFormat)) {
      throw new ConfigurationError(name, `a comma list of ${PROPAGATION_FORMATS.join(', ')}`, raw);
    }
  }
  return formats as PropagationFormat[];
}

function validateFormats(formats: PropagationFormat[], setting: string): PropagationFormat[] {
  if (!Array.isArray(formats)) throw new ConfigurationError(setting, `an array of ${PROPAGATION_FORMATS.join(', ')}`, formats);
  for (const format of formats) {
    if (!PROPAGATION_FORMATS.includes(format)) throw new ConfigurationError(setting, `an array of ${PROPAGATION_FORMATS.join(', ')}`, formats);
  }
  return formats;
}

/** `JAEGER_TAGS`: `key=value` pairs separated by commas; a value `${VAR:default}` reads the environment. */
export function parseTags(raw: string | undefined, env: Env = process.env): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!nonEmpty(raw)) return tags;
  for (const pair of raw!.split(',')) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!key) throw new ConfigurationError('JAEGER_TAGS', 'a comma list of key=value', raw);
    let value = pair.slice(eq + 1).trim();
    const ref = /^\$\{([^:}]+)(?::([^}]*))?\}$/.exec(value);
    if (ref) value = env[ref[1]] ?? ref[2] ?? '';
    tags[key] = value;
  }
  return tags;
}

/** The version in the app's package.json (nearest to the main script), if any. */
export function defaultServiceVersion(): string | undefined {
  const start = require.main?.filename ? path.dirname(require.main.filename) : process.cwd();
  let dir = start;
  for (;;) {
    if (!dir.split(path.sep).includes('node_modules')) {
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown };
        return typeof pkg.version === 'string' && pkg.version ? pkg.version : undefined;
      } catch {
        // no package.json here: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The name in the app's package.json (nearest to the main script, else to the working directory). */
export function defaultServiceName(): string {
  const start = require.main?.filename ? path.dirname(require.main.filename) : process.cwd();
  for (const from of [start, process.cwd()]) {
    const name = findPackageName(from);
    if (name) return name;
  }
  return 'unknown_service:node';
}

function findPackageName(from: string): string | undefined {
  let dir = from;
  for (;;) {
    if (!dir.split(path.sep).includes('node_modules')) {
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
        if (typeof pkg.name === 'string' && pkg.name) return pkg.name;
      } catch {
        // no package.json here: keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
