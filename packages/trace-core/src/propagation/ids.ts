/** Trace-context pieces shared by the header codecs, independent of any tracer. */
export interface TraceParts {
  /** 32 lowercase hex chars (64-bit ids are left-padded with zeros). */
  traceId: string;
  /** 16 lowercase hex chars. */
  spanId: string;
  parentSpanId?: string;
  /** undefined: the caller deferred the sampling decision. */
  sampled?: boolean;
  debug?: boolean;
  /** W3C `tracestate`, passed along untouched. */
  traceState?: string;
}

const HEX = /^[0-9a-f]+$/;
const ZEROS = '00000000000000000000000000000000';

/** Lowercase and left-pad a hex id to `width`; undefined when it is not hex, too long or all zeros. */
export function normalizeId(raw: string | undefined, width: 16 | 32): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > width) return undefined;
  const id = raw.toLowerCase();
  if (!HEX.test(id)) return undefined;
  const padded = id.length === width ? id : ZEROS.slice(0, width - id.length) + id;
  return padded === ZEROS.slice(0, width) ? undefined : padded;
}

/** Node gives repeated headers as arrays; codecs read the first value. */
export function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
  const value = headers[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
