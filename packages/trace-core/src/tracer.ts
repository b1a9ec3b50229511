import * as opentracing from './opentracing';
import { resolveConfig, type ResolvedConfig, type SpanwiseOptions } from './config';
import { getActiveSpan, suppressTracing } from './context';
import { compatibleParent, createJaegerTracer, inheritTraceState, type ReporterFactory, type SpanReporter } from './jaeger';
import { log, reportFault, setLogger, setLogLevel } from './logger';
import { checkInitOptions } from './options';
import { Propagation, setPropagationLimits } from './propagation';
import { Redactor } from './redaction';
import { flushAtExit, type ExitFlushable } from './exit-hooks';

/**
 * Tracer lifecycle, per process. The tracer is created lazily by the first span that needs it, in that
 * process (a sender created in a parent is dead in its forked workers: the seeds' uWSGI lesson), and
 * again if the process id changes. Its buffer is flushed at exit and on SIGTERM/SIGINT.
 */
interface TracerState {
  pid: number;
  config: ResolvedConfig;
  tracer: opentracing.Tracer;
  reporter?: SpanReporter;
  propagation: Propagation;
  redactor: Redactor;
  /** Spans handed to the reporter since the last flush: exit hooks flush only when there is something. */
  pending: number;
}

let options: SpanwiseOptions | undefined;
let config: ResolvedConfig | undefined;
let state: TracerState | undefined;
let reporterFactory: ReporterFactory | undefined;

/**
 * Configure Spanwise. Optional: without it, the first traced call configures from `JAEGER_*` variables.
 * Bad settings throw here, naming the setting. Calling it again replaces the tracer (the old one is flushed).
 */
export function init(newOptions: SpanwiseOptions = {}): void {
  checkInitOptions(newOptions);
  const resolved = resolveConfig(newOptions);
  options = newOptions;
  config = resolved;
  applyLogging(resolved);
  const previous = state;
  state = undefined;
  if (previous) void closeState(previous);
}

/** The resolved configuration (initialising from the environment if `init` was not called). */
export function getConfig(): ResolvedConfig {
  if (!config) {
    config = resolveConfig(options ?? {});
    applyLogging(config);
  }
  return config;
}

/**
 * Check the configuration now (`init()`'s options, or the `JAEGER_*`/`SPANWISE_*` environment): entry points
 * (`traceMiddleware()`, plugins, `patch()`) call it so a bad setting fails at startup with a ConfigurationError naming
 * it, not at the first request. Does not fix the configuration: `init()` may still be called afterwards.
 */
export function checkConfiguration(): void {
  if (!config) resolveConfig(options ?? {});
}

function applyLogging(resolved: ResolvedConfig): void {
  setLogLevel(resolved.logLevel);
  if (resolved.logger) setLogger(resolved.logger);
}

function currentState(): TracerState {
  if (state && state.pid === process.pid) return state;
  if (state) log.info(`process id changed (${state.pid} -> ${process.pid}): creating a new tracer for this process`);
  const resolved = getConfig();
  try {
    state = createState(resolved);
  } catch (error) {
    // Never break the app for tracing: report, and trace nothing rather than throw into a request.
    reportFault('creating the tracer', error);
    const noop = new opentracing.Tracer();
    state = { pid: process.pid, config: resolved, tracer: noop, propagation: new Propagation(noop, [], []), redactor: new Redactor(resolved.redaction), pending: 0 };
  }
  return state;
}

/** The process's tracer, created on first use. */
export function getTracer(): opentracing.Tracer {
  return currentState().tracer;
}

/** @internal Header propagation for the current tracer. */
export function getPropagation(): Propagation {
  return currentState().propagation;
}

/** @internal Redaction rules of the current configuration. */
export function getRedactor(): Redactor {
  return currentState().redactor;
}

/** @internal Replace how the default reporter is built (the fast exporter plugs in here). */
export function setReporterFactory(factory: ReporterFactory | undefined): void {
  reporterFactory = factory;
}

function createState(resolved: ResolvedConfig): TracerState {
  setPropagationLimits(resolved.propagationLimits);
  // Created outside any request's context, so the reporter's timers and sockets never run inside a request.
  return suppressTracing(() => {
    const base = { pid: process.pid, config: resolved, redactor: new Redactor(resolved.redaction), pending: 0 };
    if (resolved.tracer) {
      return { ...base, tracer: resolved.tracer, propagation: new Propagation(resolved.tracer, resolved.extract, resolved.inject) };
    }
    if (resolved.disabled) {
      const noop = new opentracing.Tracer();
      return { ...base, tracer: noop, propagation: new Propagation(noop, resolved.extract, resolved.inject) };
    }
    const handle = createJaegerTracer(resolved, reporterFactory);
    const created: TracerState = { ...base, tracer: handle.tracer, reporter: handle.reporter, propagation: new Propagation(handle.tracer, resolved.extract, resolved.inject) };
    countReportedSpans(created);
    if (resolved.flushOnExit) flushAtExit(exitFlushable, resolved.flushTimeoutMs);
    log.debug(`tracer created for service "${resolved.serviceName}" in process ${process.pid}`);
    return created;
  });
}

function countReportedSpans(target: TracerState): void {
  const reporter = target.reporter!;
  const report = reporter.report.bind(reporter);
  reporter.report = (span: unknown) => {
    target.pending++;
    report(span);
  };
}

/** The process's current tracer, as flushed at exit (core is the one that registers it, under `flushOnExit`). */
const exitFlushable: ExitFlushable = {
  hasPending: () => state !== undefined && state.pending > 0,
  flush: () => flush(),
  sendPendingNow: () => suppressTracing(() => state?.reporter?.sendPendingNow?.()),
};

/** Send every finished span now. Resolves when the reporter has handed them to the network. */
export function flush(): Promise<void> {
  const current = state;
  if (!current?.reporter) return Promise.resolve();
  current.pending = 0;
  return new Promise((resolve) => {
    try {
      suppressTracing(() => current.reporter!.flush(() => resolve()));
    } catch (error) {
      reportFault('flush', error);
      resolve();
    }
  });
}

/** Flush and close the tracer. Spans started afterwards go to a new tracer (created lazily). */
export async function shutdown(): Promise<void> {
  const current = state;
  state = undefined;
  if (current) await closeState(current);
}

function closeState(target: TracerState): Promise<void> {
  const closable = target.tracer as opentracing.Tracer & { close?: (callback: () => void) => void };
  if (target.config.tracer || typeof closable.close !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    try {
      suppressTracing(() => closable.close!(() => resolve()));
    } catch (error) {
      reportFault('shutdown', error);
      resolve();
    }
  });
}

/**
 * Installed as opentracing's global tracer as soon as Spanwise is loaded, so hand-written spans
 * (`globalTracer().startSpan()`) join the same traces; it forwards to the process's current tracer, creating it
 * on first use. A span given no parent is a child of the active span; `childOf: null` or `references: []` asks
 * for a root span.
 */
class LazyGlobalTracer extends opentracing.Tracer {
  protected override _startSpan(name: string, fields: opentracing.SpanOptions): opentracing.Span {
    const tracer = getTracer();
    const references = fields.references ? compatibleReferences(tracer, fields.references) : activeSpanReference(tracer, fields);
    const span = tracer.startSpan(name, { ...fields, childOf: undefined, references });
    inheritTraceState(references[0]?.referencedContext(), span.context());
    return span;
  }
  /** HTTP headers are written and read in the configured formats (`uber-trace-id`, `traceparent`, B3), as Spanwise's own. */
  protected override _inject(context: opentracing.SpanContext, format: string, carrier: unknown): void {
    if (format === opentracing.FORMAT_HTTP_HEADERS && isHeaderObject(carrier)) getPropagation().inject(context, carrier);
    else getTracer().inject(context, format, carrier);
  }
  protected override _extract(format: string, carrier: unknown): opentracing.SpanContext | null {
    if (format === opentracing.FORMAT_HTTP_HEADERS && isHeaderObject(carrier)) return getPropagation().extract(carrier);
    return getTracer().extract(format, carrier);
  }
}
const lazyGlobalTracer = new LazyGlobalTracer();
opentracing.initGlobalTracer(lazyGlobalTracer);

function isHeaderObject(carrier: unknown): carrier is Record<string, unknown> {
  return typeof carrier === 'object' && carrier !== null;
}

/** A child of the active span, unless `childOf: null` asks for a root span. */
function activeSpanReference(tracer: opentracing.Tracer, fields: opentracing.SpanOptions): opentracing.Reference[] {
  if ((fields as { childOf?: unknown }).childOf === null) return [];
  const parent = compatibleParent(tracer, getActiveSpan()?.context());
  return parent ? [opentracing.childOf(parent)] : [];
}

/** opentracing's Reference only unwraps its own Span class: hand the real tracer SpanContexts it accepts. */
function compatibleReferences(tracer: opentracing.Tracer, references: opentracing.Reference[]): opentracing.Reference[] {
  const compatible: opentracing.Reference[] = [];
  for (const reference of references) {
    const referenced = reference.referencedContext() as opentracing.SpanContext | opentracing.Span;
    const context = typeof (referenced as opentracing.Span).context === 'function' ? (referenced as opentracing.Span).context() : (referenced as opentracing.SpanContext);
    const parent = compatibleParent(tracer, context);
    if (parent) compatible.push(parent === referenced ? reference : new opentracing.Reference(reference.type(), parent));
  }
  return compatible;
}

/** @internal Only for tests: forget configuration and tracer. */
export function resetForTests(): void {
  options = undefined;
  config = undefined;
  state = undefined;
  reporterFactory = undefined;
}
