import { FORMAT_HTTP_HEADERS, type Span, type SpanContext, type Tracer } from '../opentracing';
import type { PropagationFormat } from '../config';
import { isJaegerTracer, jaegerContextFromParts, partsFromContext } from '../jaeger';
import { log } from '../logger';
import { parseB3Multi, parseB3Single, writeB3Multi, writeB3Single } from './b3';
import type { TraceParts } from './ids';
import { limitBaggage, readUberBaggage, readW3cBaggage, writeW3cBaggage, type Baggage } from './baggage';
import { hasValidUberTraceId } from './jaeger-header';
import { parseTraceparent, writeTraceparent } from './w3c';

export type Headers = Record<string, unknown>;
type Extractor = (headers: Headers) => SpanContext | null;
type Injector = (context: SpanContext, headers: Headers) => void;

/** OpenTracing format names under which the W3C and B3 codecs are registered on a jaeger-client tracer. */
export const FORMAT_W3C = 'w3c-trace-context';
export const FORMAT_B3 = 'b3-multi';
export const FORMAT_B3_SINGLE = 'b3-single';

const PARSERS: Record<Exclude<PropagationFormat, 'jaeger'>, (headers: Headers) => TraceParts | undefined> = {
  w3c: parseTraceparent,
  b3: parseB3Multi,
  'b3-single': parseB3Single,
};
const WRITERS: Record<Exclude<PropagationFormat, 'jaeger'>, (parts: TraceParts, headers: Headers) => void> = {
  w3c: writeTraceparent,
  b3: writeB3Multi,
  'b3-single': writeB3Single,
};
const FORMAT_NAMES = { w3c: FORMAT_W3C, b3: FORMAT_B3, 'b3-single': FORMAT_B3_SINGLE } as const;

/**
 * Reads and writes trace context in HTTP headers, in the configured formats.
 * Never throws: a malformed header is ignored, so the request starts a new trace.
 */
export class Propagation {
  private readonly extractors: Extractor[];
  /** Format of each extractor ('jaeger' ones read `uberctx-*` themselves). */
  private readonly extractorFormats: PropagationFormat[];
  private readonly injectors: Injector[];
  /** Baggage is read into jaeger-client contexts only: `uberctx-*` with 'jaeger', `baggage` with 'w3c'. */
  private readonly uberBaggage: boolean;
  private readonly w3cBaggage: boolean;

  constructor(tracer: Tracer, extract: PropagationFormat[], inject: PropagationFormat[]) {
    const jaeger = isJaegerTracer(tracer);
    if (jaeger) registerCodecs(tracer);
    const formats = jaeger ? extract : extract.filter((format) => format === 'jaeger');
    this.extractorFormats = formats;
    this.extractors = formats.map((format) => makeExtractor(tracer, format, jaeger)).filter((e): e is Extractor => e !== undefined);
    this.injectors = inject.map((format) => makeInjector(tracer, format));
    this.uberBaggage = jaeger && extract.includes('jaeger');
    this.w3cBaggage = jaeger && extract.includes('w3c');
  }

  /** The caller's span context, or null (no header, or only malformed ones). Baggage is capped (see docs/configuration.md). */
  extract(headers: Headers | undefined): SpanContext | null {
    if (!headers) return null;
    for (let i = 0; i < this.extractors.length; i++) {
      try {
        const context = this.extractors[i](headers);
        if (context) {
          if (this.uberBaggage || this.w3cBaggage) this.readBaggage(context, headers, this.extractorFormats[i] === 'jaeger');
          return context;
        }
      } catch (error) {
        log.debug(`ignoring trace header that could not be read: ${(error as Error).message}`);
      }
    }
    return null;
  }

  /** Completes the context's baggage from the other baggage headers, then applies the caps. */
  private readBaggage(context: SpanContext, headers: Headers, readByJaegerCodec: boolean): void {
    const target = context as { baggage?: Baggage };
    const baggage = target.baggage ?? {};
    if (this.uberBaggage && !readByJaegerCodec) readUberBaggage(headers, baggage);
    if (this.w3cBaggage) readW3cBaggage(headers, baggage);
    if (hasItems(baggage)) {
      limitBaggage(baggage);
      target.baggage = baggage;
    }
  }

  /** Write `span`'s context into `headers` (mutated) in every configured format. */
  inject(span: Span | SpanContext, headers: Headers): void {
    const context = typeof (span as Span).context === 'function' ? (span as Span).context() : (span as SpanContext);
    for (const injector of this.injectors) {
      try {
        injector(context, headers);
      } catch (error) {
        log.debug(`could not write trace header: ${(error as Error).message}`);
      }
    }
  }
}

function registerCodecs(tracer: Tracer): void {
  const registry = tracer as unknown as {
    registerExtractor(format: string, codec: { extract(carrier: Headers): SpanContext | null }): void;
    registerInjector(format: string, codec: { inject(context: SpanContext, carrier: Headers): void }): void;
  };
  for (const format of ['w3c', 'b3', 'b3-single'] as const) {
    registry.registerExtractor(FORMAT_NAMES[format], {
      extract: (carrier) => {
        const parts = PARSERS[format](carrier);
        return parts ? jaegerContextFromParts(parts) : null;
      },
    });
    registry.registerInjector(FORMAT_NAMES[format], {
      inject: (context, carrier) => {
        const parts = partsFromContext(context);
        if (parts) WRITERS[format](parts, carrier);
        if (format === 'w3c') writeW3cBaggage(baggageOf(context), carrier);
      },
    });
  }
}

function makeExtractor(tracer: Tracer, format: PropagationFormat, jaeger: boolean): Extractor | undefined {
  if (format === 'jaeger') {
    if (!jaeger) return (headers) => tracer.extract(FORMAT_HTTP_HEADERS, headers);
    return (headers) => (hasValidUberTraceId(headers) ? tracer.extract(FORMAT_HTTP_HEADERS, headers) : null);
  }
  // Other tracers cannot build a context from foreign ids: only their own HTTP_HEADERS codec reads headers.
  if (!jaeger) return undefined;
  const parse = PARSERS[format];
  return (headers) => {
    const parts = parse(headers);
    return parts ? jaegerContextFromParts(parts) : null;
  };
}

function makeInjector(tracer: Tracer, format: PropagationFormat): Injector {
  if (format === 'jaeger') return (context, headers) => tracer.inject(context, FORMAT_HTTP_HEADERS, headers);
  const write = WRITERS[format];
  if (format === 'w3c') {
    return (context, headers) => {
      const parts = partsFromContext(context);
      if (parts) write(parts, headers);
      writeW3cBaggage(baggageOf(context), headers);
    };
  }
  return (context, headers) => {
    const parts = partsFromContext(context);
    if (parts) write(parts, headers);
  };
}

function hasItems(baggage: Baggage): boolean {
  for (const key in baggage) if (Object.prototype.hasOwnProperty.call(baggage, key)) return true;
  return false;
}

/** jaeger-client's SpanContext keeps baggage in `baggage`; other tracers' contexts have none we can read. */
function baggageOf(context: SpanContext): Baggage | undefined {
  const baggage = (context as { baggage?: unknown }).baggage;
  return baggage !== null && typeof baggage === 'object' ? (baggage as Baggage) : undefined;
}

export type { TraceParts } from './ids';
export { parseTraceparent, writeTraceparent } from './w3c';
export { sanitizeTraceState } from './tracestate';
export { DEFAULT_PROPAGATION_LIMITS, propagationDrops, setPropagationLimits, type PropagationLimits, type PropagationDrops } from './limits';
export { parseB3Multi, parseB3Single, writeB3Multi, writeB3Single } from './b3';
