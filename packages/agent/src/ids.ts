/**
 * Normalises a span or trace id to the form used in {@link DecodedSpan}: lowercase hex, zero-padded to
 * 16 chars (or 32 chars when it is longer than 16, i.e. a 128-bit trace id).
 *
 * jaeger-client's `span.context().toTraceId()` / `toSpanId()` STRIP leading zeros (an id 0x00ab... prints
 * as "ab..."), so always compare through this function:
 * `expect(decoded.spanId).toBe(normalizeId(span.context().toSpanId()))`.
 */
export function normalizeId(id: string): string {
  const hex = id.toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]*$/.test(hex) || hex.length > 32) {
    throw new Error(`normalizeId: not a hex id of at most 32 chars: ${JSON.stringify(id)}`);
  }
  const width = hex.length > 16 ? 32 : 16;
  return hex.padStart(width, '0');
}

/** Hex of a 64-bit id as received on the wire (8-byte big-endian buffer). */
export function int64Hex(buf: Buffer): string {
  return buf.toString('hex').padStart(16, '0');
}

/** Joins traceIdHigh/traceIdLow: 16 chars when the high half is zero, 32 otherwise. */
export function traceIdHex(high: Buffer, low: Buffer): string {
  const h = int64Hex(high);
  const l = int64Hex(low);
  return /^0+$/.test(h) ? l : h + l;
}
