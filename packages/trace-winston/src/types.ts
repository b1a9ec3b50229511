import type { LogCorrelationOptions } from '@spanwise/trace-core';

/** Options of `patch()`: the names of the fields added to each record (`trace_id`, `span_id`, `trace_flags`). */
export type WinstonCorrelationOptions = LogCorrelationOptions;

/** winston 3: `Logger#write(info)`, the stream write every log call ends in. */
export type Write = (this: unknown, info: unknown, ...rest: unknown[]) => unknown;

/** winston 2: `Logger#log(level, msg, ...splat, meta?, callback?)`. */
export type Log = (this: unknown, level: unknown, ...args: unknown[]) => unknown;
