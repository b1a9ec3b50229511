import { lacksTraceFields, type LogFieldNames, type TraceFields } from '@spanwise/trace-core';

/** pino's own symbols (`lib/symbols.js` of the copy being patched): where a logger keeps asJson and its bindings. */
export interface PinoSymbols {
  asJsonSym: symbol;
  chindingsSym: symbol;
}

/** `"key":` in pino's child bindings fragment (`,"a":1,"trace_id":"..."`): the app bound that field itself. */
function boundByChild(chindings: unknown, key: string): boolean {
  return typeof chindings === 'string' && chindings.length > 0 && chindings.includes(`${JSON.stringify(key)}:`);
}

/**
 * The object pino serializes, with the trace fields the app did not set itself (in the logged object or in a
 * child logger's bindings). A new object: the app's own is never changed. pino writes own enumerable keys
 * only, so a shallow copy of those serializes the same.
 */
export function withTraceFields(chindings: unknown, obj: unknown, fields: TraceFields, names: Required<LogFieldNames>): unknown {
  const source = (obj !== null && typeof obj === 'object' ? obj : {}) as Record<string, unknown>;
  if (!lacksTraceFields(source, names)) return obj;
  const record: Record<string, unknown> = {};
  for (const key in source) if (Object.prototype.hasOwnProperty.call(source, key)) record[key] = source[key];
  addUnbound(chindings, record, names.traceId, fields.traceId);
  addUnbound(chindings, record, names.spanId, fields.spanId);
  addUnbound(chindings, record, names.traceFlags, fields.traceFlags);
  return record;
}

function addUnbound(chindings: unknown, record: Record<string, unknown>, key: string, value: string): void {
  if (record[key] === undefined && !boundByChild(chindings, key)) record[key] = value;
}
