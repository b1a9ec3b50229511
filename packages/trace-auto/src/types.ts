import type { ServerSpanOptions, SpanwiseOptions } from '@spanwise/trace-core';
import type { ElasticsearchInstrumentationOptions } from '@spanwise/trace-elasticsearch';
import type { ExpressTraceOptions } from '@spanwise/trace-express';
import type { FastifyTraceOptions } from '@spanwise/trace-fastify';
import type { HttpClientOptions } from '@spanwise/trace-http';
import type { IoredisTracingOptions } from '@spanwise/trace-ioredis';
import type { KoaTraceOptions } from '@spanwise/trace-koa';
import type { LogCorrelationOptions } from '@spanwise/trace-core';
import type { Mysql2TracingOptions } from '@spanwise/trace-mysql2';

/** The libraries auto-instrumentation knows, as written in `SPANWISE_ENABLED_INSTRUMENTATIONS` / `..._DISABLED_...`. */
export const INSTRUMENTATION_NAMES = ['http', 'express', 'koa', 'fastify', 'mysql2', 'ioredis', 'elasticsearch', 'pino', 'winston', 'bunyan'] as const;
export type InstrumentationName = (typeof INSTRUMENTATION_NAMES)[number];

export interface HttpAutoOptions {
  /** Outgoing requests (http/https/fetch, `@spanwise/trace-http`), or `false` for no client spans. */
  client?: HttpClientOptions | false;
  /**
   * Incoming requests of http/https servers, or `false` for no server patch. These options (`ignore`,
   * `headersAsTags`, hooks) are also the defaults of the framework server spans, which share the same span.
   */
  server?: ServerSpanOptions | false;
}

/**
 * Options of `instrument()`. Per library: its adapter's options, or `false` to leave it alone.
 * `enabled`/`disabled` override `SPANWISE_ENABLED_INSTRUMENTATIONS`/`SPANWISE_DISABLED_INSTRUMENTATIONS`.
 */
export interface AutoInstrumentOptions {
  /** Only these libraries (default: all). */
  enabled?: InstrumentationName[];
  /** Not these libraries. */
  disabled?: InstrumentationName[];
  /** Tracer configuration, passed to `init()` of `@spanwise/trace-core` (default: the JAEGER_* environment). */
  tracing?: SpanwiseOptions;
  http?: HttpAutoOptions | false;
  express?: ExpressTraceOptions | false;
  koa?: KoaTraceOptions | false;
  fastify?: FastifyTraceOptions | false;
  mysql2?: Mysql2TracingOptions | false;
  ioredis?: IoredisTracingOptions | false;
  elasticsearch?: ElasticsearchInstrumentationOptions | false;
  /** Log correlation: `trace_id`/`span_id`/`trace_flags` on each record logged while a span is active. */
  pino?: LogCorrelationOptions | false;
  winston?: LogCorrelationOptions | false;
  bunyan?: LogCorrelationOptions | false;
}

/** What `instrument()` did for one library. */
export interface InstrumentationStatus {
  name: InstrumentationName;
  /** Its hooks are installed (the library is patched when the app loads it). */
  enabled: boolean;
  /** Why it is not enabled: turned off, or its adapter package is not installed. */
  reason?: string;
  /** The adapter package doing the work. */
  adapter: string;
  /** Library versions patched so far (`express@4.21.2`). */
  patched: string[];
}

/** Settings read from the environment. */
export interface AutoSettings {
  /** `SPANWISE_DISABLED=true`: instrument nothing. */
  disabled: boolean;
  /** `SPANWISE_ENABLED_INSTRUMENTATIONS`, if set. */
  enabled?: InstrumentationName[];
  /** `SPANWISE_DISABLED_INSTRUMENTATIONS`, if set. */
  disabledInstrumentations?: InstrumentationName[];
  /** `SPANWISE_IGNORE_INCOMING_PATHS`: exact paths, and globs turned into patterns over the path. */
  ignoreIncoming?: Array<string | RegExp>;
  /** `SPANWISE_IGNORE_OUTGOING_URLS`: hosts, `host:port`, URL prefixes, and globs over the full URL. */
  ignoreOutgoing?: Array<string | RegExp>;
  /** `SPANWISE_HEADERS_AS_TAGS`: request headers recorded as tags on server spans. */
  headersAsTags?: string[];
}
