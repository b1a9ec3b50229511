import { headerValue, normalizeId, type TraceParts } from './ids';
import { sanitizeTraceState } from './tracestate';

/**
 * W3C Trace Context (`traceparent` / `tracestate`), which jaeger-client lacks.
 * https://www.w3.org/TR/trace-context/ — version 00; future versions are read by their first four fields.
 */
export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';
const TRACEPARENT_FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export function parseTraceparent(headers: Record<string, unknown>): TraceParts | undefined {
  const value = headerValue(headers, TRACEPARENT);
  if (value === undefined) return undefined;
  const match = TRACEPARENT_FORMAT.exec(value.trim());
  if (!match) return undefined;
  const [, version, rawTraceId, rawSpanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const traceId = normalizeId(rawTraceId, 32);
  const spanId = normalizeId(rawSpanId, 16);
  if (!traceId || !spanId) return undefined;
  const traceState = sanitizeTraceState(headerValue(headers, TRACESTATE));
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1, traceState };
}

export function writeTraceparent(parts: TraceParts, headers: Record<string, unknown>): void {
  headers[TRACEPARENT] = `00-${parts.traceId}-${parts.spanId}-${parts.sampled === false ? '00' : '01'}`;
  if (parts.traceState) headers[TRACESTATE] = parts.traceState;
}
