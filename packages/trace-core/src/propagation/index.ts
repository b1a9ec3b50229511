import { FORMAT_HTTP_HEADERS, type Span, type SpanContext, type Tracer } from '../opentracing';
import type { PropagationFormat } from '../config';
import { isJaegerTracer, jaegerContextFromParts, partsFromContext } from '../jaeger';
import { log } from '../logger';
import { parseB3Multi, parseB3Single, writeB3Multi, writeB3Single } from './b3';
import type { TraceParts } from './ids';
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
  private readonly injectors: Injector[];

  constructor(tracer: Tracer, extract: PropagationFormat[], inject: PropagationFormat[]) {
    const jaeger = isJaegerTracer(tracer);
    if (jaeger) registerCodecs(tracer);
    this.extractors = extract.map((format) => makeExtractor(tracer, format, jaeger)).filter((e): e is Extractor => e !== undefined);
    this.injectors = inject.map((format) => makeInjector(tracer, format));
  }

  /** The caller's span context, or null (no header, or only malformed ones). */
  extract(headers: Headers | undefined): SpanContext | null {
    if (!headers) return null;
    for (const extractor of this.extractors) {
      try {
        const context = extractor(headers);
        if (context) return context;
      } catch (error) {
        log.debug(`ignoring trace header that could not be read: ${(error as Error).message}`);
      }
    }
    return null;
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
  return (context, headers) => {
    const parts = partsFromContext(context);
    if (parts) write(parts, headers);
  };
}

export type { TraceParts } from './ids';
export { parseTraceparent, writeTraceparent } from './w3c';
export { parseB3Multi, parseB3Single, writeB3Multi, writeB3Single } from './b3';
