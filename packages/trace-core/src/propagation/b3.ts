import { headerValue, normalizeId, type TraceParts } from './ids';

/** Zipkin B3, multi-header (`X-B3-*`) and single-header (`b3`). https://github.com/openzipkin/b3-propagation */
export const B3_TRACE_ID = 'x-b3-traceid';
export const B3_SPAN_ID = 'x-b3-spanid';
export const B3_PARENT_SPAN_ID = 'x-b3-parentspanid';
export const B3_SAMPLED = 'x-b3-sampled';
export const B3_FLAGS = 'x-b3-flags';
export const B3_SINGLE = 'b3';

function parseSampled(value: string | undefined): { sampled?: boolean; debug?: boolean } | undefined {
  if (value === undefined || value === '') return {};
  switch (value.toLowerCase()) {
    case '1':
    case 'true':
      return { sampled: true };
    case '0':
    case 'false':
      return { sampled: false };
    case 'd':
      return { sampled: true, debug: true };
    default:
      return undefined;
  }
}

function toParts(rawTraceId: string | undefined, rawSpanId: string | undefined, rawParent: string | undefined, sampling: ReturnType<typeof parseSampled>): TraceParts | undefined {
  if (!sampling) return undefined;
  const traceId = rawTraceId && (rawTraceId.length === 16 || rawTraceId.length === 32) ? normalizeId(rawTraceId, 32) : undefined;
  const spanId = rawSpanId && rawSpanId.length === 16 ? normalizeId(rawSpanId, 16) : undefined;
  if (!traceId || !spanId) return undefined;
  const parentSpanId = rawParent ? normalizeId(rawParent, 16) : undefined;
  if (rawParent && !parentSpanId) return undefined;
  return { traceId, spanId, parentSpanId, ...sampling };
}

export function parseB3Multi(headers: Record<string, unknown>): TraceParts | undefined {
  const traceId = headerValue(headers, B3_TRACE_ID);
  if (traceId === undefined) return undefined;
  const debug = headerValue(headers, B3_FLAGS) === '1';
  const sampling = debug ? { sampled: true, debug: true } : parseSampled(headerValue(headers, B3_SAMPLED));
  return toParts(traceId.trim(), headerValue(headers, B3_SPAN_ID)?.trim(), headerValue(headers, B3_PARENT_SPAN_ID)?.trim(), sampling);
}

export function parseB3Single(headers: Record<string, unknown>): TraceParts | undefined {
  const value = headerValue(headers, B3_SINGLE)?.trim();
  if (!value) return undefined;
  const fields = value.split('-');
  // A lone sampling flag ("0", "1", "d") carries no ids: nothing to continue.
  if (fields.length < 2 || fields.length > 4) return undefined;
  return toParts(fields[0], fields[1], fields[3], parseSampled(fields[2]));
}

function flag(parts: TraceParts): string {
  if (parts.debug) return 'd';
  return parts.sampled === false ? '0' : '1';
}

export function writeB3Multi(parts: TraceParts, headers: Record<string, unknown>): void {
  headers[B3_TRACE_ID] = parts.traceId;
  headers[B3_SPAN_ID] = parts.spanId;
  if (parts.parentSpanId) headers[B3_PARENT_SPAN_ID] = parts.parentSpanId;
  if (parts.debug) headers[B3_FLAGS] = '1';
  else headers[B3_SAMPLED] = flag(parts);
}

export function writeB3Single(parts: TraceParts, headers: Record<string, unknown>): void {
  const parent = parts.parentSpanId ? `-${parts.parentSpanId}` : '';
  headers[B3_SINGLE] = `${parts.traceId}-${parts.spanId}-${flag(parts)}${parent}`;
}
