import type { Span, SpanContext } from 'opentracing';
import { ConfigurationError } from './config';
import { getActiveSpan } from './context';
import { partsFromContext } from './jaeger';
import { checkOptionKeys, optionKeys } from './options';
import type { OptionsDefinition } from './patching/define';

/** The ids of a span as log records carry them: W3C hex, as Jaeger and OTLP backends show them. */
export interface TraceFields {
  /** 32 lowercase hex chars (64-bit Jaeger ids left-padded with zeros). */
  traceId: string;
  /** 16 lowercase hex chars. */
  spanId: string;
  /** `01` when the trace is sampled, `00` when not (W3C trace-flags). */
  traceFlags: '00' | '01';
}

/** Names of the fields added to log records. */
export interface LogFieldNames {
  /** Default `trace_id`. */
  traceId?: string;
  /** Default `span_id`. */
  spanId?: string;
  /** Default `trace_flags`. */
  traceFlags?: string;
}

/** Options of the log correlation packages (`@spanwise/trace-pino`, `-winston`, `-bunyan`). */
export interface LogCorrelationOptions {
  /** Field names; each one not given keeps its default. */
  fields?: LogFieldNames;
}

export const DEFAULT_LOG_FIELDS: Readonly<Required<LogFieldNames>> = Object.freeze({ traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' });

/** Field names with defaults filled in; a name that is not a non-empty string throws a ConfigurationError. */
export function resolveLogFieldNames(options: LogCorrelationOptions | undefined, setting: string): Required<LogFieldNames> {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new ConfigurationError(setting, 'an options object', options);
  const fields = options?.fields;
  if (fields === undefined) return DEFAULT_LOG_FIELDS;
  if (fields === null || typeof fields !== 'object') throw new ConfigurationError(`${setting} "fields"`, 'an object of field names', fields);
  const names = { ...DEFAULT_LOG_FIELDS };
  for (const key of Object.keys(DEFAULT_LOG_FIELDS) as Array<keyof LogFieldNames>) {
    const name = fields[key];
    if (name === undefined) continue;
    if (typeof name !== 'string' || name.trim() === '') throw new ConfigurationError(`${setting} "fields.${key}"`, 'a non-empty string', name);
    names[key] = name;
  }
  return names;
}

/** Hex ids per span context: a request logging many lines converts them once. */
const idsOf = new WeakMap<SpanContext, { traceId: string; spanId: string } | null>();

/**
 * The log fields of `span` (default: the active span), or undefined when there is none. Costs one
 * AsyncLocalStorage read when no span is active.
 */
export function traceFields(span: Span | undefined = getActiveSpan()): TraceFields | undefined {
  if (span === undefined) return undefined;
  const context = span.context();
  let ids = idsOf.get(context);
  if (ids === undefined) {
    const parts = partsFromContext(context);
    ids = parts ? { traceId: parts.traceId, spanId: parts.spanId } : null;
    idsOf.set(context, ids);
  }
  if (ids === null) return undefined;
  return { traceId: ids.traceId, spanId: ids.spanId, traceFlags: isSampled(context) ? '01' : '00' };
}

function isSampled(context: SpanContext): boolean {
  const sampled = (context as { isSampled?: () => boolean }).isSampled;
  return typeof sampled === 'function' ? sampled.call(context) : true;
}

/**
 * Set the trace fields on `record` (mutated), each only where the record has no value of its own: the app's
 * fields are never overwritten.
 */
export function addTraceFields(record: Record<string, unknown>, fields: TraceFields, names: Required<LogFieldNames>): void {
  if (record[names.traceId] === undefined) record[names.traceId] = fields.traceId;
  if (record[names.spanId] === undefined) record[names.spanId] = fields.spanId;
  if (record[names.traceFlags] === undefined) record[names.traceFlags] = fields.traceFlags;
}

/** True when `record` lacks at least one of the trace fields (so there is something to add). */
export function lacksTraceFields(record: Record<string, unknown>, names: Required<LogFieldNames>): boolean {
  return record[names.traceId] === undefined || record[names.spanId] === undefined || record[names.traceFlags] === undefined;
}

const OPTION_KEYS = optionKeys<LogCorrelationOptions>({ fields: true });
const FIELD_KEYS = optionKeys<LogFieldNames>({ traceId: true, spanId: true, traceFlags: true });

/**
 * The options of a log correlation package's `patch(options)`: option keys (with a "did you mean"), nested field
 * keys and field names are checked when it is called, as every entry point does. Resolves to the field names to write.
 */
export function logCorrelationOptions(packageName: string): OptionsDefinition<LogCorrelationOptions, Required<LogFieldNames>> {
  const where = `${packageName} patch()`;
  return {
    keys: OPTION_KEYS,
    check(options) {
      if (options.fields !== null && typeof options.fields === 'object') checkOptionKeys(options.fields, FIELD_KEYS, `${where} fields`);
    },
    resolve: (options) => resolveLogFieldNames(options, `${where} option`),
  };
}
