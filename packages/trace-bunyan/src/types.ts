import type { LogCorrelationOptions } from '@spanwise/trace-core';

/** Options of `patch()`: the names of the fields added to each record (`trace_id`, `span_id`, `trace_flags`). */
export type BunyanCorrelationOptions = LogCorrelationOptions;

/** bunyan's `Logger#_emit(record, noemit)`: every record passes here before its streams. */
export type Emit = (this: unknown, record: unknown, ...rest: unknown[]) => unknown;
