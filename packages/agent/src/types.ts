/** A tag or log-field value after decoding (BINARY values become base64 strings, LONG values numbers). */
export type TagValue = string | number | boolean;

export interface DecodedLog {
  /** Microseconds since the epoch. */
  timestamp: number;
  fields: Record<string, TagValue>;
}

export interface DecodedReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  /** Same format as {@link DecodedSpan.traceId}. */
  traceId: string;
  /** 16 lowercase hex chars. */
  spanId: string;
}

export interface DecodedSpan {
  /** Lowercase hex, zero-padded: 16 chars for 64-bit ids, 32 chars when traceIdHigh is non-zero. */
  traceId: string;
  /** 16 lowercase hex chars, zero-padded. */
  spanId: string;
  /** 16 lowercase hex chars; '0000000000000000' for root spans. */
  parentSpanId: string;
  operationName: string;
  /** From the batch's process. */
  serviceName: string;
  processTags: Record<string, TagValue>;
  flags: number;
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: Record<string, TagValue>;
  logs: DecodedLog[];
  references: DecodedReference[];
}

export interface Trace {
  traceId: string;
  /** Sorted by startTime. */
  spans: DecodedSpan[];
}

/** parentSpanId of a root span. */
export const ZERO_SPAN_ID = '0000000000000000';
