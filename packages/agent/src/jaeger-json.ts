import { ZERO_SPAN_ID, type DecodedSpan, type TagValue, type Trace } from './types';

export interface JaegerKeyValue { key: string; type: 'string' | 'bool' | 'int64' | 'float64'; value: TagValue }
export interface JaegerReference { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  flags: number;
  operationName: string;
  references: JaegerReference[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: JaegerKeyValue[];
  logs: { timestamp: number; fields: JaegerKeyValue[] }[];
  processID: string;
  warnings: string[] | null;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: JaegerKeyValue[] }>;
  warnings: string[] | null;
}
export interface JaegerJson { data: JaegerTrace[]; total: number; limit: number; offset: number; errors: null }

function kv(record: Record<string, TagValue>): JaegerKeyValue[] {
  return Object.entries(record).map(([key, value]) => ({
    key,
    type: typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? (Number.isInteger(value) ? 'int64' : 'float64') : 'string',
    value,
  }));
}

function references(span: DecodedSpan): JaegerReference[] {
  const refs: JaegerReference[] = span.references.map((r) => ({ refType: r.refType, traceID: r.traceId, spanID: r.spanId }));
  // As Jaeger's own converter does: the parent is a CHILD_OF reference, first in the list.
  if (span.parentSpanId !== ZERO_SPAN_ID && !refs.some((r) => r.spanID === span.parentSpanId && r.traceID === span.traceId)) {
    refs.unshift({ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId });
  }
  return refs;
}

/**
 * Converts traces to the JSON of Jaeger's query API (`GET /api/traces/...`), which Jaeger UI opens via
 * Search > "JSON File": `{ data: [ { traceID, spans: [...], processes: { p1: { serviceName, tags } } } ] }`.
 * Times are microseconds; parents are expressed as CHILD_OF references.
 */
export function toJaegerJson(traces: readonly Trace[]): JaegerJson {
  const data = traces.map((trace): JaegerTrace => {
    const processes: JaegerTrace['processes'] = {};
    const processIds = new Map<string, string>();
    const spans = trace.spans.map((s): JaegerSpan => {
      const processKey = JSON.stringify([s.serviceName, s.processTags]);
      let processID = processIds.get(processKey);
      if (!processID) {
        processID = `p${processIds.size + 1}`;
        processIds.set(processKey, processID);
        processes[processID] = { serviceName: s.serviceName, tags: kv(s.processTags) };
      }
      return {
        traceID: s.traceId,
        spanID: s.spanId,
        flags: s.flags,
        operationName: s.operationName,
        references: references(s),
        startTime: s.startTime,
        duration: s.duration,
        tags: kv(s.tags),
        logs: s.logs.map((l) => ({ timestamp: l.timestamp, fields: kv(l.fields) })),
        processID,
        warnings: null,
      };
    });
    return { traceID: trace.traceId, spans, processes, warnings: null };
  });
  return { data, total: 0, limit: 0, offset: 0, errors: null };
}
