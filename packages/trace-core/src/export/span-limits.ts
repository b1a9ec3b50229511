/**
 * Size limits applied to a finished span before it is encoded, by any exporter (Thrift here, OTLP too):
 * `capSpanValues` cuts over-long tag and log values (cheap: one length check per string value), and
 * `shrinkSpan` makes a span that still does not fit in one message smaller step by step, so that a span
 * is shortened rather than dropped.
 */
import type { JaegerKeyValue, JaegerSpanLike } from './encoder';

/** Value limits, in characters. */
export interface SpanLimits {
  /** Longest string tag or log-field value kept (default 8192: above every package's own statement limit, so a statement cut by its package is not cut again); longer ones are cut and end with a marker. */
  maxValueLength: number;
  /** Longest `stack` log field kept (default 8192): the message line is cut first, then the deepest frames. */
  maxStackLength: number;
}

export const DEFAULT_SPAN_LIMITS: Readonly<SpanLimits> = { maxValueLength: 8192, maxStackLength: 8192 };

/** Steps of {@link shrinkSpan}, from the least to the most lossy. */
export const SHRINK_STEPS = 4;
/** Value length used by the shrink steps. */
const SHRUNK_VALUE_LENGTH = 256;
/** Tags kept by the last shrink step. */
const LAST_STEP_TAGS = 64;
/** Tag set on a shrunk span: what was removed. */
export const TRUNCATED_TAG = 'spanwise.truncated';

/** `value` cut to `max` characters, with a marker saying how much was removed. */
export function truncateValue(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}...[truncated ${value.length - max} chars]`;
}

/**
 * A stack trace cut to about `max` characters: the message (everything before the first frame) to a quarter
 * of it, then whole frames while they fit.
 */
export function truncateStack(stack: string, max: number): string {
  if (stack.length <= max) return stack;
  const firstFrame = stack.indexOf('\n    at ');
  if (firstFrame < 0) return truncateValue(stack, max);
  const message = truncateValue(stack.slice(0, firstFrame), max >> 2);
  const room = max - message.length;
  const frames = stack.slice(firstFrame);
  if (frames.length <= room) return message + frames;
  const lastWhole = frames.lastIndexOf('\n', room);
  const kept = frames.slice(0, lastWhole > 0 ? lastWhole : room);
  const removed = frames.length - kept.length;
  return `${message}${kept}\n    ...[truncated ${removed} chars of frames]`;
}

function capValue(key: string, value: string, limits: SpanLimits): string {
  return key === 'stack' ? truncateStack(value, limits.maxStackLength) : truncateValue(value, limits.maxValueLength);
}

/** Limit of `key`'s value: stacks have their own. */
function limitOf(key: string, limits: SpanLimits): number {
  return key === 'stack' ? limits.maxStackLength : limits.maxValueLength;
}

function capList(list: JaegerKeyValue[], limits: SpanLimits): number {
  let cut = 0;
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    const value = kv.value;
    if (typeof value === 'string' && value.length > limitOf(kv.key, limits)) {
      list[i] = { key: kv.key, value: capValue(kv.key, value, limits) };
      cut++;
    }
  }
  return cut;
}

/**
 * Cuts every string tag and log-field value of `span` over the limits (in place, replacing the key/value
 * entries). Returns how many values were cut.
 */
export function capSpanValues(span: JaegerSpanLike, limits: SpanLimits): number {
  let cut = capList(span._tags, limits);
  const logs = span._logs;
  for (let i = 0; i < logs.length; i++) cut += capList(logs[i].fields, limits);
  return cut;
}

/** Every value of `list` as a string of at most `max` characters (objects as their JSON). */
function shortenAll(list: JaegerKeyValue[], max: number): JaegerKeyValue[] {
  return list.map((kv) => {
    const value = kv.value;
    if (typeof value === 'string') return value.length > max ? { key: kv.key, value: truncateValue(value, max) } : kv;
    if (value !== null && typeof value === 'object') return { key: kv.key, value: truncateValue(jsonOrString(value), max) };
    return kv;
  });
}

function jsonOrString(value: object): string {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const isErrorLog = (fields: JaegerKeyValue[]) => fields.some((kv) => kv.key === 'event' && kv.value === 'error');

/**
 * One step of making `span` smaller (in place), for a span whose encoding does not fit in a message:
 * 1. log values cut to 256 characters; 2. only error logs kept; 3. tag values cut to 256 characters;
 * 4. no logs, at most 64 tags, operation name cut. Each step records itself in the `spanwise.truncated` tag.
 */
export function shrinkSpan(span: JaegerSpanLike, step: number): void {
  const logs = span._logs;
  let note: string;
  if (step === 1) {
    span._logs = logs.map((log) => ({ timestamp: log.timestamp, fields: shortenAll(log.fields, SHRUNK_VALUE_LENGTH) }));
    note = 'log values';
  } else if (step === 2) {
    span._logs = logs.filter((log) => isErrorLog(log.fields));
    note = `${logs.length - span._logs.length} logs`;
  } else if (step === 3) {
    span._tags = shortenAll(span._tags, SHRUNK_VALUE_LENGTH);
    note = 'tag values';
  } else {
    span._logs = [];
    span._tags = span._tags.slice(0, LAST_STEP_TAGS);
    span._operationName = truncateValue(String(span._operationName), SHRUNK_VALUE_LENGTH);
    note = 'all logs, tags after the 64th';
  }
  const previous = span._tags.find((kv) => kv.key === TRUNCATED_TAG);
  const text = previous ? `${previous.value}; ${note}` : `over the message size: shortened ${note}`;
  span._tags = span._tags.filter((kv) => kv.key !== TRUNCATED_TAG);
  span._tags.push({ key: TRUNCATED_TAG, value: text });
}
