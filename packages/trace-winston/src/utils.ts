import { addTraceFields, lacksTraceFields, type LogFieldNames, type TraceFields } from '@spanwise/trace-core';

type Record_ = Record<string | symbol, unknown>;

/**
 * winston 3: the info object with the trace fields the app did not set. winston hands the app's own object
 * (`logger.info({ ... })`, `logger.error(err)`) to its formats and transports, so fields go on a copy with the
 * same prototype and every own property (symbols such as `level`/`splat`, an Error's message and stack).
 */
export function infoWithTraceFields(info: unknown, fields: TraceFields, names: Required<LogFieldNames>): unknown {
  if (info === null || typeof info !== 'object' || !lacksTraceFields(info as Record_, names)) return info;
  const copy = Object.create(Object.getPrototypeOf(info), Object.getOwnPropertyDescriptors(info)) as Record_;
  addTraceFields(copy, fields, names);
  return copy;
}

/** winston 2 counts these tokens in the message to tell format arguments from meta. */
const FORMAT_TOKEN = /%[sdj%]/g;

/**
 * winston 2: the `log()` arguments after the level with the trace fields in the meta object. winston takes the
 * last argument (before a callback) as meta when it is left over after the format tokens; a plain object meta is
 * copied with the fields added, otherwise a meta object with only the fields is appended.
 */
export function argsWithTraceFields(args: unknown[], fields: TraceFields, names: Required<LogFieldNames>): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === null) end--;
  const callback = end > 0 && typeof args[end - 1] === 'function' ? args[end - 1] : undefined;
  if (callback) end--;
  const values = args.slice(0, end);
  const first = values[0];
  const tokens = typeof first === 'string' ? (first.match(FORMAT_TOKEN) ?? []).filter((t) => t !== '%%').length : 0;
  const hasMeta = values.length - 1 - tokens > 0 || values.length === 1;
  const last = values[values.length - 1];
  const kind = Object.prototype.toString.call(last);
  if (hasMeta && kind === '[object Object]') {
    if (!lacksTraceFields(last as Record_, names)) return args;
    const meta = { ...(last as Record_) };
    addTraceFields(meta, fields, names);
    values[values.length - 1] = meta;
  } else if (hasMeta && (kind === '[object Error]' || kind === '[object Array]')) {
    return args; // winston logs these as they are: leave them alone
  } else {
    const meta: Record_ = {};
    addTraceFields(meta, fields, names);
    values.push(meta);
  }
  return callback ? [...values, callback] : values;
}
