import * as opentracing from './opentracing';
import type { ResolvedConfig } from './config';
import { log } from './logger';
import { createOtlpReporter, createReporter, FanoutReporter } from './export';
import { perfNow } from './export/clock';
import type { TraceParts } from './propagation/ids';

/**
 * Everything that knows jaeger-client's internals lives here, so no jaeger-client type reaches the public API.
 */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- jaeger-client is untyped and loaded with the first span */
interface JaegerModules {
  jaeger: any;
  SpanContext: any;
  LazyRootSamplingState: any;
  util: any;
}
let modules: JaegerModules | undefined;

/**
 * jaeger-client and its dependencies are about 270 modules (tens of ms): they are loaded when the tracer is created,
 * not when Spanwise is, so a process that never makes a span never pays for them.
 */
function jaegerModules(): JaegerModules {
  modules ??= {
    jaeger: require('jaeger-client'),
    SpanContext: require('jaeger-client/dist/src/span_context').default,
    LazyRootSamplingState: lazyRootSamplingState(require('jaeger-client/dist/src/samplers/v2/sampling_state').default),
    util: require('jaeger-client/dist/src/util').default,
  };
  return modules;
}

/**
 * jaeger-client's SpanContext, given no sampling state, makes one from the local root span's id as a hex string: a
 * `Buffer.toString('hex')` for every trace, sampled or not, that only the per-operation (adaptive) sampler reads. This
 * sampling state reads that string from its root context when asked, and ignores the one its constructor stores.
 */
function lazyRootSamplingState(SamplingState: any): any {
  return class LazyRootSamplingState extends SamplingState {
    root: { spanIdStr: string } | undefined;
    get _localRootSpanIdStr(): string | undefined {
      return this.root?.spanIdStr;
    }
    set _localRootSpanIdStr(_ignored: string | undefined) {}
  };
}

/** A jaeger-client SpanContext heading a trace in this process (a root span's, or the caller's read from a header) whose id strings are built only when read. */
function rootContext(traceId: Buffer, spanId: Buffer, parentId: Buffer | null): MaybeJaegerContext {
  const { SpanContext, LazyRootSamplingState } = jaegerModules();
  const state = new LazyRootSamplingState();
  const context = new SpanContext(traceId, spanId, parentId, null, null, null, {}, '', state);
  state.root = context;
  return context;
}

/** The reporter contract jaeger-client's tracer calls, plus flush. */
export interface SpanReporter {
  name(): string;
  report(span: unknown): void;
  setProcess(serviceName: string, tags: unknown[]): void;
  flush(callback?: () => void): void;
  close(callback?: () => void): void;
  /** At process exit: send what can be sent synchronously (Spanwise's reporters). */
  sendPendingNow?(): void;
}

export interface JaegerTracerHandle {
  tracer: opentracing.Tracer;
  reporter: SpanReporter;
}

const jaegerLogger = {
  info: (message: string) => log.debug(`jaeger-client: ${message}`),
  error: (message: string) => log.warn(`jaeger-client: ${message}`),
};

export type ReporterFactory = (config: ResolvedConfig) => SpanReporter;

/** The reporter the configuration asks for: Spanwise's fast exporter unless `jaeger-client` is chosen. */
export function createConfiguredReporter(config: ResolvedConfig): SpanReporter {
  const exporter = config.reporter.exporter ?? 'jaeger';
  if (config.reporter.exporterNotice) log.warn(config.reporter.exporterNotice);
  if (exporter === 'otlp') return createConfiguredOtlpReporter(config);
  const jaegerReporter = createJaegerTargetReporter(config);
  if (exporter === 'both') return new FanoutReporter([jaegerReporter, createConfiguredOtlpReporter(config)]) as unknown as SpanReporter;
  return jaegerReporter;
}

const reporterLogger = { info: (m: string) => log.info(m), warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) };

/** OTLP/HTTP export with the queue settings shared with the Thrift exporter. */
function createConfiguredOtlpReporter(config: ResolvedConfig): SpanReporter {
  const { reporter: options } = config;
  const otlp = options.otlp ?? {};
  return createOtlpReporter({
    endpoint: otlp.endpoint,
    protocol: otlp.protocol,
    headers: otlp.headers,
    compression: otlp.compression,
    timeoutMs: otlp.timeoutMs,
    attributeNaming: otlp.attributeNaming,
    serviceVersion: otlp.serviceVersion,
    resourceAttributes: otlp.resourceAttributes,
    flushIntervalMs: options.flushIntervalMs,
    maxQueueSpans: options.maxQueueSpans,
    maxQueueBytes: options.maxQueueBytes,
    maxRetries: options.maxRetries,
    maxValueLength: options.maxValueLength,
    maxStackLength: options.maxStackLength,
    logger: reporterLogger,
    flushOnExit: false, // core flushes its tracer at exit (flushOnExit of init())
  }) as unknown as SpanReporter;
}

function createJaegerTargetReporter(config: ResolvedConfig): SpanReporter {
  if (config.reporter.implementation === 'jaeger-client') return createJaegerReporter(config);
  const { reporter: options } = config;
  return createReporter({
    agentHost: options.agentHost,
    agentPort: options.agentPort,
    endpoint: options.endpoint,
    user: options.user,
    password: options.password,
    token: options.token,
    flushIntervalMs: options.flushIntervalMs,
    timeoutMs: options.timeoutMs,
    maxPacketSize: options.maxPacketSize,
    maxQueueSpans: options.maxQueueSpans,
    maxQueueBytes: options.maxQueueBytes,
    maxRetries: options.maxRetries,
    maxValueLength: options.maxValueLength,
    maxStackLength: options.maxStackLength,
    logger: reporterLogger,
    flushOnExit: false, // core flushes its tracer at exit (flushOnExit of init())
  }) as unknown as SpanReporter;
}

/** jaeger-client's own RemoteReporter with its timer and socket unref'd, so they never keep a process alive. */
export function createJaegerReporter(config: ResolvedConfig): SpanReporter {
  const { reporter: options } = config;
  const UDPSender = require('jaeger-client/dist/src/reporters/udp_sender').default;
  const HTTPSender = require('jaeger-client/dist/src/reporters/http_sender').default;
  const RemoteReporter = require('jaeger-client/dist/src/reporters/remote_reporter').default;
  const sender = options.endpoint
    ? new HTTPSender({ endpoint: options.endpoint, username: options.user, password: options.password, timeoutMs: options.timeoutMs, logger: jaegerLogger })
    : new UDPSender({ host: options.agentHost ?? '127.0.0.1', port: options.agentPort ?? 6832, logger: jaegerLogger });
  const reporter = new RemoteReporter(sender, { bufferFlushInterval: options.flushIntervalMs ?? 1000, logger: jaegerLogger });
  reporter._intervalHandle?.unref?.();
  sender._client?.unref?.();
  return reporter as SpanReporter;
}

export function createJaegerTracer(config: ResolvedConfig, makeReporter: ReporterFactory = createConfiguredReporter): JaegerTracerHandle {
  const reporter = makeReporter(config);
  const sampler = config.sampler;
  const tracer = jaegerModules().jaeger.initTracer(
    {
      serviceName: config.serviceName,
      sampler: { type: sampler.type, param: sampler.param, hostPort: sampler.hostPort, refreshIntervalMs: sampler.refreshIntervalMs },
    },
    { reporter, logger: jaegerLogger, tags: config.tags, traceId128bit: config.traceId128bit },
  ) as opentracing.Tracer & { _sampler?: unknown };
  unrefSamplerTimers(tracer._sampler);
  useHighResolutionClock(tracer);
  startRootSpansWithLazyIds(tracer);
  return { tracer, reporter };
}

interface JaegerStartOptions {
  childOf?: unknown;
  references?: unknown[];
  tags?: Record<string, unknown>;
  startTime?: number;
}

/**
 * A span without parent is started as jaeger-client's Tracer#startSpan starts it (random ids, 128-bit trace ids if
 * configured, its sampler deciding), from a root context whose id strings stay unbuilt until read. Spans with a
 * parent or references take jaeger-client's own path.
 */
function startRootSpansWithLazyIds(tracer: opentracing.Tracer): void {
  const jaegerStartSpan = (tracer as any).startSpan as (name: string, options?: JaegerStartOptions) => opentracing.Span;
  (tracer as any).startSpan = function startSpan(this: any, name: string, options?: JaegerStartOptions): opentracing.Span {
    if (options && (options.childOf || (options.references && options.references.length !== 0))) return jaegerStartSpan.call(this, name, options);
    return startRootSpan(this, name, options ?? {});
  };
}

function startRootSpan(tracer: any, name: string, options: JaegerStartOptions): opentracing.Span {
  const { util } = jaegerModules();
  const startTime = options.startTime || tracer.now();
  let context: MaybeJaegerContext;
  if (tracer._traceId128bit) {
    const id: Buffer = util.getRandom128();
    context = rootContext(id, id.slice(-8), null);
  } else {
    const id: Buffer = util.getRandom64();
    context = rootContext(id, id, null);
  }
  const tags = options.tags;
  const isRpcServer = Boolean(tags && tags[opentracing.Tags.SPAN_KIND] === opentracing.Tags.SPAN_KIND_RPC_SERVER);
  return tracer._startInternalSpan(context, name, startTime, tags, {}, options.references ?? [], false, isRpcServer);
}

interface RemoteSamplerTimers {
  _initialDelayTimeoutHandle?: NodeJS.Timeout | null;
  _refreshIntervalHandle?: NodeJS.Timeout;
}

/**
 * jaeger-client's remote sampler starts a timeout in its constructor (a random delay up to the refresh interval) and
 * only when that fires starts the refresh interval: both must not keep a process alive. The interval does not exist
 * yet, so its property becomes an accessor that unrefs whatever is stored. Another sampler shape is left alone.
 */
function unrefSamplerTimers(sampler: unknown): void {
  if (typeof sampler !== 'object' || sampler === null || !('_initialDelayTimeoutHandle' in sampler)) return;
  const timers = sampler as RemoteSamplerTimers;
  timers._initialDelayTimeoutHandle?.unref?.();
  let interval = timers._refreshIntervalHandle;
  interval?.unref?.();
  Object.defineProperty(timers, '_refreshIntervalHandle', {
    configurable: true,
    enumerable: false,
    get: () => interval,
    set: (handle: NodeJS.Timeout | undefined) => {
      handle?.unref?.();
      interval = handle;
    },
  });
}

/**
 * jaeger-client times spans with Date.now(): whole milliseconds, so sub-millisecond spans (most cache and
 * in-memory calls) show 0 or 1 ms, and two processes' spans are each off by up to a millisecond: a downstream server
 * span could seem to start before its caller's client span.
 */
function useHighResolutionClock(tracer: opentracing.Tracer): void {
  (tracer as unknown as { now: () => number }).now = wallClockMs;
}

const TIME_ORIGIN = performance.timeOrigin;

/**
 * Wall-clock time in milliseconds with microsecond resolution: the monotonic clock (captured at load, so fake timers
 * cannot stop it) from the process's wall-clock origin (`performance.timeOrigin`, itself sub-millisecond), so spans
 * of processes on one machine line up.
 */
export function wallClockMs(): number {
  return TIME_ORIGIN + perfNow();
}

export function isJaegerTracer(tracer: opentracing.Tracer): boolean {
  return tracer instanceof jaegerModules().jaeger.Tracer;
}

const kTraceState = Symbol('spanwise.tracestate');
type MaybeJaegerContext = opentracing.SpanContext & {
  [kTraceState]?: string;
  traceId?: Buffer;
  spanId?: Buffer;
  parentId?: Buffer | null;
  isSampled?: () => boolean;
  isDebug?: () => boolean;
  _setRemote?: (remote: boolean) => void;
};

/**
 * jaeger-client's tracer only accepts its own SpanContext as a parent (another one throws inside startSpan, e.g.
 * `parent.isDebugIDContainerOnly is not a function` for a span of opentracing's no-op tracer): a foreign context
 * carrying ids is converted, one without ids (a no-op span) is no parent.
 */
export function compatibleParent(tracer: opentracing.Tracer, context: opentracing.SpanContext | null | undefined): opentracing.SpanContext | undefined {
  if (!context) return undefined;
  if (modules === undefined || !(tracer instanceof modules.jaeger.Tracer) || context instanceof modules.SpanContext) return context;
  const parts = partsFromContext(context);
  return parts ? jaegerContextFromParts(parts) : undefined;
}

/** A jaeger-client SpanContext for ids read from a foreign header (W3C, B3), marked remote like jaeger's own extract. */
export function jaegerContextFromParts(parts: TraceParts): opentracing.SpanContext {
  const traceId = Buffer.from(parts.traceId.startsWith('0000000000000000') ? parts.traceId.slice(16) : parts.traceId, 'hex');
  const parentId = parts.parentSpanId ? Buffer.from(parts.parentSpanId, 'hex') : null;
  const context = rootContext(traceId, Buffer.from(parts.spanId, 'hex'), parentId);
  (context as unknown as { flags: number }).flags = (parts.sampled === false ? 0 : 1) | (parts.debug ? 2 : 0);
  context._setRemote?.(true);
  if (parts.traceState) context[kTraceState] = parts.traceState;
  return context;
}

function hex(buffer: Buffer | null | undefined, width: number): string | undefined {
  if (!buffer) return undefined;
  const value = buffer.toString('hex');
  return value.length >= width ? value.slice(-width) : '0'.repeat(width - value.length) + value;
}

function padHex(value: unknown, width: number): string | undefined {
  if (typeof value !== 'string' || !/^[0-9a-f]{1,32}$/i.test(value) || value.length > width) return undefined;
  return value.toLowerCase().padStart(width, '0');
}

/** Ids of any OpenTracing span context: jaeger's buffers, or `toTraceId()`/`toSpanId()` of other tracers. */
export function partsFromContext(context: opentracing.SpanContext): TraceParts | undefined {
  const ctx = context as MaybeJaegerContext;
  if (Buffer.isBuffer(ctx.traceId) && Buffer.isBuffer(ctx.spanId)) {
    return {
      traceId: hex(ctx.traceId, 32)!,
      spanId: hex(ctx.spanId, 16)!,
      parentSpanId: hex(ctx.parentId, 16),
      sampled: ctx.isSampled?.() ?? true,
      debug: ctx.isDebug?.() ?? false,
      traceState: ctx[kTraceState],
    };
  }
  const traceId = padHex(ctx.toTraceId?.(), 32);
  const spanId = padHex(ctx.toSpanId?.(), 16);
  return traceId && spanId ? { traceId, spanId, sampled: true } : undefined;
}

/** W3C tracestate belongs to the whole trace: children carry their parent's. */
export function inheritTraceState(parent: opentracing.SpanContext | undefined, child: opentracing.SpanContext): void {
  const state = (parent as MaybeJaegerContext | undefined)?.[kTraceState];
  if (state !== undefined) (child as MaybeJaegerContext)[kTraceState] = state;
}

/** False only when the tracer has finally decided not to sample: callers then skip computing tags. */
export function isRecordingContext(context: opentracing.SpanContext): boolean {
  const ctx = context as MaybeJaegerContext & { samplingFinalized?: boolean };
  if (typeof ctx.isSampled !== 'function') return true;
  return ctx.isSampled() || ctx.samplingFinalized === false;
}
