import { Tags, Tracer, type Span, type SpanContext } from './opentracing';
import { getActiveSpan, isTracingSuppressed, withSpan } from './context';
import { compatibleParent, inheritTraceState, isRecordingContext } from './jaeger';
import { reportFault } from './logger';
import { getConfig, getPropagation, getTracer } from './tracer';

export type TagValue = string | number | boolean;
export type TagMap = Record<string, TagValue | undefined>;

/** OpenTracing semantic tag names used across Spanwise. */
export const TAGS = {
  ...Tags,
  DB_TYPE: Tags.DB_TYPE,
  PEER_ADDRESS: Tags.PEER_ADDRESS,
  HTTP_ABORTED: 'http.aborted',
  HTTP_ROUTE: 'http.route',
} as const;

export interface ClientSpanOptions {
  /** Tags set at start; undefined values are skipped. */
  tags?: TagMap;
  /** Parent span; default the active span. */
  childOf?: Span;
  /** Create a root span when there is no parent, whatever `requireParent` says. */
  allowRoot?: boolean;
  startTime?: number;
}

/**
 * Start a client span (an exit call: HTTP, database, cache) as a child of the active span.
 * Returns undefined, and costs nothing more, when tracing is suppressed or (by default) when no span is active:
 * connection handshakes and startup commands then make no one-span traces.
 */
export function startClientSpan(name: string, options: ClientSpanOptions = {}): Span | undefined {
  if (isTracingSuppressed()) return undefined;
  const parent = options.childOf ?? getActiveSpan();
  try {
    if (!parent && !options.allowRoot && getConfig().requireParent) return undefined;
    return startSpan(name, parent?.context(), options.tags, TAGS.SPAN_KIND_RPC_CLIENT, options.startTime);
  } catch (error) {
    reportFault('startClientSpan', error);
    return undefined;
  }
}

/** @internal Start a span of `kind` under `parent`, copying what the trace carries (W3C tracestate). */
export function startSpan(name: string, parentContext: SpanContext | null | undefined, tags: TagMap | undefined, kind: string | undefined, startTime?: number): Span {
  const tracer = getTracer();
  const parent = compatibleParent(tracer, parentContext);
  const span = tracer.startSpan(name, { childOf: parent, startTime });
  if (kind !== undefined) span.setTag(TAGS.SPAN_KIND, kind);
  if (tags && isRecording(span)) setTags(span, tags);
  inheritTraceState(parent, span.context());
  return span;
}

export interface ActiveSpanOptions {
  /** Tags set at start; undefined values are skipped. */
  tags?: TagMap;
  /** Parent span or context; default the active span. */
  childOf?: Span | SpanContext;
  /** Start a new trace even when a span is active. */
  root?: boolean;
  /** `span.kind` tag (`client`, `server`, `producer`, `consumer`); default none (an internal span). */
  kind?: string;
}

/**
 * Start a span (a child of the active span unless `options` say otherwise), run `fn(span)` with it active, and
 * finish it when `fn` returns or, if `fn` returns a promise, when that settles. A throw or rejection is recorded on
 * the span (`error=true` and an error log) and passed on unchanged. Returns what `fn` returns; for a promise, a
 * promise that settles the same way (same value or same reason; unhandled if the app leaves it unhandled).
 */
export function startActiveSpan<T>(name: string, fn: (span: Span) => T): T;
export function startActiveSpan<T>(name: string, options: ActiveSpanOptions, fn: (span: Span) => T): T;
export function startActiveSpan<T>(name: string, optionsOrFn: ActiveSpanOptions | ((span: Span) => T), maybeFn?: (span: Span) => T): T {
  const fn = (typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn) as (span: Span) => T;
  const options = typeof optionsOrFn === 'function' ? {} : (optionsOrFn ?? {});
  if (isTracingSuppressed()) return fn(NOOP_TRACER.startSpan(name));
  const span = startInternalSpan(name, options);
  let result: T;
  try {
    result = withSpan(span, fn, undefined, span);
  } catch (error) {
    recordError(span, error);
    finishSpan(span);
    throw error;
  }
  if (!isThenable(result)) {
    finishSpan(span);
    return result;
  }
  return finishWhenSettled(span, result) as T;
}

function finishWhenSettled(span: Span, result: PromiseLike<unknown>): PromiseLike<unknown> {
  try {
    return result.then(
      (value) => {
        finishSpan(span);
        return value;
      },
      (error: unknown) => {
        recordError(span, error);
        finishSpan(span);
        throw error;
      },
    );
  } catch (error) {
    // A thenable whose then() throws: hand it back as it is, like an untraced call.
    reportFault('startActiveSpan', error);
    finishSpan(span);
    return result;
  }
}

function startInternalSpan(name: string, options: ActiveSpanOptions): Span {
  try {
    const parent = options.root ? undefined : (options.childOf ?? getActiveSpan());
    const parentContext = parent && typeof (parent as Span).context === 'function' ? (parent as Span).context() : (parent as SpanContext | undefined);
    return startSpan(name, parentContext, options.tags, options.kind);
  } catch (error) {
    reportFault('startActiveSpan', error);
    return NOOP_TRACER.startSpan(name);
  }
}

const NOOP_TRACER = new Tracer();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** False for spans of traces that will not be sampled: skip computing tags for them. */
export function isRecording(span: Span | undefined): boolean {
  if (!span) return false;
  try {
    return isRecordingContext(span.context());
  } catch {
    return true;
  }
}

export function setTags(span: Span, tags: TagMap): void {
  for (const key in tags) {
    const value = tags[key];
    if (value !== undefined) span.setTag(key, value);
  }
}

/** `error=true` and an OpenTracing error log (`event`, `error.kind`, `error.object`, `message`, `stack`). */
export function recordError(span: Span | undefined, error: unknown, extraFields?: TagMap): void {
  if (!span) return;
  try {
    span.setTag(TAGS.ERROR, true);
    if (!isRecording(span)) return;
    const err = error as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; constructor?: { name?: string } };
    const isObject = typeof error === 'object' && error !== null;
    const fields: TagMap = {
      event: 'error',
      'error.kind': isObject ? String(err.constructor?.name && err.constructor.name !== 'Object' ? err.constructor.name : (err.name ?? 'Error')) : typeof error,
      'error.object': safeString(error),
      message: isObject && err.message !== undefined ? safeString(err.message) : safeString(error),
      stack: isObject && typeof err.stack === 'string' ? err.stack : undefined,
      ...extraFields,
    };
    for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
    span.log(fields as Record<string, TagValue>);
  } catch (fault) {
    reportFault('recordError', fault);
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}

/** Finish without ever throwing into the app. */
export function finishSpan(span: Span | undefined, finishTime?: number): void {
  if (!span) return;
  try {
    span.finish(finishTime);
  } catch (error) {
    reportFault('finishSpan', error);
  }
}

/**
 * Write the trace context of `span` into `headers` (a plain object, mutated) in the configured formats.
 * Safe with any input.
 */
export function injectHeaders(span: Span | undefined, headers: Record<string, unknown>): void {
  if (!span || !headers) return;
  try {
    getPropagation().inject(span, headers);
  } catch (error) {
    reportFault('injectHeaders', error);
  }
}

/** The caller's trace context from incoming headers, or null (a malformed header starts a new trace). */
export function extractContext(headers: Record<string, unknown> | undefined): SpanContext | null {
  try {
    return getPropagation().extract(headers);
  } catch (error) {
    reportFault('extractContext', error);
    return null;
  }
}
