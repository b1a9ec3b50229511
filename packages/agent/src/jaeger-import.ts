import { normalizeId } from './ids';
import { ZERO_SPAN_ID, type DecodedReference, type DecodedSpan, type TagValue } from './types';

/** Thrown for a file or body that is not Jaeger query-API JSON. */
export class JaegerJsonError extends Error {}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(where: string, what: string): never {
  throw new JaegerJsonError(`not Jaeger JSON: ${where} ${what}`);
}

function id(v: unknown, where: string): string {
  if (typeof v !== 'string' || !v) fail(where, 'must be a hex id string');
  try {
    return normalizeId(v);
  } catch {
    return fail(where, `must be a hex id, got ${JSON.stringify(v).slice(0, 40)}`);
  }
}

function micros(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(where, 'must be a non-negative number of microseconds');
  return Math.round(v);
}

function tagValue(kv: Json): TagValue {
  const { type, value } = kv;
  if (type === 'bool') return value === true || value === 'true';
  if ((type === 'int64' || type === 'float64') && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value ?? null);
}

function record(list: unknown, where: string): Record<string, TagValue> {
  if (list === undefined || list === null) return {};
  if (!Array.isArray(list)) fail(where, 'must be a list of { key, type, value }');
  const out: Record<string, TagValue> = {};
  for (const kv of list) {
    if (!isObject(kv) || typeof kv.key !== 'string') fail(where, 'must be a list of { key, type, value }');
    out[kv.key] = tagValue(kv);
  }
  return out;
}

function traceList(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (isObject(json) && Array.isArray(json.data)) return json.data;
  if (isObject(json) && Array.isArray(json.spans)) return [json];
  return fail('the document', 'must be { "data": [ traces ] } (Jaeger query API / Jaeger UI "JSON File")');
}

function convertSpan(raw: unknown, processes: Json, where: string): DecodedSpan {
  if (!isObject(raw)) fail(where, 'must be an object');
  const traceId = id(raw.traceID, `${where}.traceID`);
  const spanId = id(raw.spanID, `${where}.spanID`);
  const refs: DecodedReference[] = [];
  for (const r of Array.isArray(raw.references) ? raw.references : []) {
    if (!isObject(r)) fail(`${where}.references`, 'must hold objects');
    refs.push({ refType: r.refType === 'FOLLOWS_FROM' ? 'FOLLOWS_FROM' : 'CHILD_OF', traceId: id(r.traceID, `${where}.references.traceID`), spanId: id(r.spanID, `${where}.references.spanID`) });
  }
  // The inverse of toJaegerJson: the parent is the first CHILD_OF into the trace (else the first reference, as
  // jaeger-client makes a FOLLOWS_FROM its parentSpanId); a CHILD_OF parent reference is implied by parentSpanId.
  const inTrace = refs.filter((r) => r.traceId === traceId && r.spanId !== spanId);
  const parentRef = inTrace.find((r) => r.refType === 'CHILD_OF') ?? inTrace[0];
  const references = refs.filter((r) => !(r === parentRef && r.refType === 'CHILD_OF'));
  const process = isObject(raw.process) ? raw.process : isObject(processes[String(raw.processID)]) ? (processes[String(raw.processID)] as Json) : {};
  const logs = Array.isArray(raw.logs) ? raw.logs : [];
  return {
    traceId,
    spanId,
    parentSpanId: parentRef ? parentRef.spanId : ZERO_SPAN_ID,
    operationName: typeof raw.operationName === 'string' ? raw.operationName : '',
    serviceName: typeof process.serviceName === 'string' ? process.serviceName : 'unknown',
    processTags: record(process.tags, `${where} process tags`),
    flags: typeof raw.flags === 'number' ? raw.flags : 1,
    startTime: micros(raw.startTime, `${where}.startTime`),
    duration: micros(raw.duration, `${where}.duration`),
    tags: record(raw.tags, `${where}.tags`),
    logs: logs.map((l, i) => {
      if (!isObject(l)) fail(`${where}.logs[${i}]`, 'must be an object');
      return { timestamp: micros(l.timestamp, `${where}.logs[${i}].timestamp`), fields: record(l.fields, `${where}.logs[${i}].fields`) };
    }),
    references,
  };
}

/**
 * Reads Jaeger query-API JSON (what {@link toJaegerJson} writes and Jaeger UI's "JSON File" opens:
 * `{ data: [ { traceID, spans, processes } ] }`; a bare list of traces or a single trace also works) back into
 * decoded spans. Throws {@link JaegerJsonError} naming the first field that does not fit.
 */
export function fromJaegerJson(json: unknown): DecodedSpan[] {
  const spans: DecodedSpan[] = [];
  traceList(json).forEach((trace, t) => {
    if (!isObject(trace) || !Array.isArray(trace.spans)) fail(`data[${t}]`, 'must be a trace { traceID, spans, processes }');
    const processes = isObject(trace.processes) ? trace.processes : {};
    trace.spans.forEach((s, i) => spans.push(convertSpan(s, processes, `data[${t}].spans[${i}]`)));
  });
  return spans;
}
