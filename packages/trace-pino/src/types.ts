import type { LogCorrelationOptions } from '@spanwise/trace-core';

/** Options of `patch()`: the names of the fields added to each record (`trace_id`, `span_id`, `trace_flags`). */
export type PinoCorrelationOptions = LogCorrelationOptions;

/** pino's `asJson(obj, msg, num, time)` on its logger prototype, as the wrapper calls it. */
export type AsJson = (this: PinoLogger, obj: unknown, msg: unknown, num: number, time: string) => string;

/** A pino logger, as the wrapper sees it: its child bindings are a JSON fragment under a symbol. */
export type PinoLogger = Record<symbol, unknown>;
