import type { Span, SpanContext } from 'opentracing';

/** jaeger-client's span context keeps its ids as buffers. */
type JaegerContext = SpanContext & { traceId: Buffer; spanId: Buffer; parentId?: Buffer | null };

export function ids(span: Span): { traceId: string; spanId: string; parentId: string | null } {
  const context = span.context() as JaegerContext;
  return { traceId: context.traceId.toString('hex'), spanId: context.spanId.toString('hex'), parentId: context.parentId ? context.parentId.toString('hex') : null };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
