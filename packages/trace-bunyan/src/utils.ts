import { addTraceFields, type LogFieldNames, type TraceFields } from '@spanwise/trace-core';

/**
 * Add the trace fields the record lacks. bunyan builds a new record for every call (the logger's fields, the
 * call's fields, then its own), so it is changed in place: nothing the app holds is touched.
 */
export function addToRecord(record: unknown, fields: TraceFields, names: Required<LogFieldNames>): void {
  if (record !== null && typeof record === 'object') addTraceFields(record as Record<string, unknown>, fields, names);
}
