/**
 * OTLP encoders for jaeger-client spans: protobuf (`ExportTraceServiceRequest`, opentelemetry-proto
 * trace/v1) and the OTLP/JSON form, written straight into a reusable Buffer like the Thrift
 * {@link SpanEncoder}: no message objects per span and no protobuf library.
 *
 * Each span is written as its own `ScopeSpans { scope, spans: [span] }` entry, so the reporter can cut
 * packets between any two spans; the {@link Framing} wraps a packet's entries in one `ResourceSpans`.
 */
import type { Framing, JaegerKeyValue, JaegerSpanLike } from './encoder';
import {
  attributeKey,
  attributeValue,
  errorMessage,
  eventAttributeKey,
  eventNameOf,
  hasError,
  isErrorLog,
  isLink,
  kindOf,
  resourceAttributes,
  scopeOf,
  SPANWISE_VERSION,
  StatusCode,
  type AttributeNaming,
  type ResourceOptions,
} from './otlp-mapping';

/** The encoder contract the reporter writes spans through (Thrift's {@link SpanEncoder} fulfils it too). */
export interface ReporterEncoder {
  buf: Buffer;
  pos: number;
  /** Appends one span at `pos`; returns the bytes written. */
  encodeSpan(span: JaegerSpanLike): number;
}

export interface OtlpEncoderOptions extends ResourceOptions {
  /** Span tag names: `semconv` (default) or `opentracing`. */
  attributeNaming?: AttributeNaming;
  /** Initial buffer size (default 65536). */
  initialSize?: number;
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const TWO_POW_32 = 4294967296;
const ZERO8 = Buffer.alloc(8);
const ASCII_FAST_MAX = 64;
/** Deepest nesting of length-delimited fields the protobuf encoder opens. */
const MAX_DEPTH = 16;

/** Microseconds (integer) from jaeger-client's fractional milliseconds, truncated as the Thrift encoder does. */
function micros(ms: number): number {
  const t = Math.trunc(ms * 1000);
  return Number.isFinite(t) && t > 0 ? t : 0;
}

abstract class GrowableBuffer {
  buf: Buffer;
  pos = 0;

  constructor(initialSize: number) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  reserve(n: number): void {
    if (this.pos + n > this.buf.length) {
      let size = this.buf.length * 2 || 1024;
      while (size < this.pos + n) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
  }

  /** Appends a copy of `bytes`. */
  raw(bytes: Buffer): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Returns a copy of what was written and resets the position. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------- protobuf

/** Protobuf writer for the few OTLP messages. */
export class OtlpProtoEncoder extends GrowableBuffer implements ReporterEncoder {
  private readonly naming: AttributeNaming;
  private readonly scopes = new Map<string, Buffer>();
  /** Length bytes reserved by each open {@link begin}. */
  private readonly widths = new Uint8Array(MAX_DEPTH);
  /** Fields open now (OTLP spans nest 5 deep at most). */
  private depth = 0;

  constructor(options: OtlpEncoderOptions = {}) {
    super(options.initialSize ?? 65536);
    this.naming = options.attributeNaming ?? 'semconv';
  }

  private varint(v: number): void {
    this.reserve(10);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[p++] = v;
    this.pos = p;
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /**
   * Opens a length-delimited field; close it with {@link end}. `width` length bytes are reserved (1 for small
   * messages, 2 for spans, which are mostly 128 bytes to 16 KiB); the content moves only when the guess was wrong.
   */
  private begin(field: number, width = 1): number {
    this.tag(field, WIRE_LEN);
    this.reserve(width);
    const start = this.pos;
    this.pos += width;
    this.widths[this.depth++] = width;
    return start;
  }

  private end(start: number): void {
    const width = this.widths[--this.depth];
    const len = this.pos - start - width;
    const need = len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : len < 0x10000000 ? 4 : 5;
    if (need !== width) {
      this.reserve(need - width);
      this.buf.copyWithin(start + need, start + width, this.pos);
      this.pos += need - width;
    }
    const b = this.buf;
    let p = start;
    let v = len;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p] = v;
  }

  private stringField(field: number, s: string): void {
    this.tag(field, WIRE_LEN);
    const len = s.length;
    if (len <= ASCII_FAST_MAX) {
      this.reserve(1 + len);
      const b = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[start + i] = c;
      }
      if (i === len) {
        b[this.pos] = len;
        this.pos = start + len;
        return;
      }
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varint(n);
    this.reserve(n);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
  }

  /** An id field of exactly `width` bytes: shorter ids left-padded with zeros, longer ones keep their last bytes. */
  private bytesField(field: number, v: Buffer, width: number): void {
    this.reserve(2 + width);
    const b = this.buf;
    let p = this.pos;
    b[p++] = field * 8 + WIRE_LEN; // fields 1, 2 and 4: one-byte tags
    b[p++] = width;
    const pad = width - v.length;
    for (let i = 0; i < width; i++) b[p++] = i < pad ? 0 : v[i - pad];
    this.pos = p;
  }

  /**
   * fixed64 nanoseconds of `ms + plusMs` (jaeger-client's fractional milliseconds, each truncated to whole
   * microseconds as the Thrift encoder does). Computed and written here, so no intermediate number leaves the method.
   */
  private nanosField(field: number, ms: number, plusMs: number): void {
    this.reserve(9);
    const us = micros(ms) + micros(plusMs);
    const usLow = us % TWO_POW_32;
    const low = usLow * 1000; // below 2^42: exact
    const lowWord = low % TWO_POW_32;
    const highWord = (((us - usLow) / TWO_POW_32) * 1000 + (low - lowWord) / TWO_POW_32) % TWO_POW_32;
    const b = this.buf;
    const p = this.pos;
    b[p] = field * 8 + WIRE_I64; // fields 1, 7 and 8: one-byte tags
    b[p + 1] = lowWord;
    b[p + 2] = lowWord >>> 8;
    b[p + 3] = lowWord >>> 16;
    b[p + 4] = lowWord >>> 24;
    b[p + 5] = highWord;
    b[p + 6] = highWord >>> 8;
    b[p + 7] = highWord >>> 16;
    b[p + 8] = highWord >>> 24;
    this.pos = p + 9;
  }

  /** `KeyValue { key = 1; AnyValue value = 2 }` as field `field` of the enclosing message. */
  private keyValue(field: number, key: string, value: unknown): void {
    const kv = this.begin(field);
    this.stringField(1, key);
    const any = this.begin(2);
    const vt = typeof value;
    if (vt === 'string') {
      this.stringField(1, value as string);
    } else if (vt === 'boolean') {
      this.tag(2, WIRE_VARINT);
      this.varint(value ? 1 : 0);
    } else if (vt === 'number' && Number.isSafeInteger(value)) {
      this.tag(3, WIRE_VARINT);
      this.int64(value as number);
    } else if (vt === 'number') {
      this.tag(4, WIRE_I64);
      this.reserve(8);
      this.buf.writeDoubleLE(value as number, this.pos);
      this.pos += 8;
    } else if (value instanceof Buffer) {
      this.tag(7, WIRE_LEN);
      this.varint(value.length);
      this.raw(value);
    } else {
      this.stringField(1, vt === 'object' ? jsonOf(value) : String(value));
    }
    this.end(any);
    this.end(kv);
  }

  /** int64 varint (two's complement, 10 bytes, for negatives). */
  private int64(v: number): void {
    if (v >= 0) {
      this.varint(v);
      return;
    }
    const hi = Math.floor(v / TWO_POW_32) >>> 0;
    const lo = v >>> 0;
    this.reserve(10);
    const b = this.buf;
    let p = this.pos;
    let l = lo;
    let h = hi;
    for (let i = 0; i < 9; i++) {
      b[p++] = (l & 0x7f) | 0x80;
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    b[p++] = l & 0x01;
    this.pos = p;
  }

  /** The `InstrumentationScope` field of a ScopeSpans entry, encoded once per scope. */
  private scopeBytes(name: string): Buffer {
    let bytes = this.scopes.get(name);
    if (bytes === undefined) {
      const e = new OtlpProtoEncoder({ initialSize: 128 });
      const s = e.begin(1);
      e.stringField(1, name);
      if (SPANWISE_VERSION) e.stringField(2, SPANWISE_VERSION);
      e.end(s);
      bytes = e.take();
      this.scopes.set(name, bytes);
    }
    return bytes;
  }

  /** Appends `ScopeSpans { scope, spans: [span] }` (field 2 of ResourceSpans). */
  encodeSpan(span: JaegerSpanLike): number {
    this.depth = 0; // fields left open by a span whose encoding threw (the reporter rewound pos)
    const start = this.pos;
    const ctx = span._spanContext;
    const tags = span._tags;
    const entry = this.begin(2, 2);
    this.raw(this.scopeBytes(scopeOf(tags)));
    const s = this.begin(2, 2);
    this.bytesField(1, ctx.traceId ?? ZERO8, 16);
    this.bytesField(2, ctx.spanId ?? ZERO8, 8);
    const parent = ctx.parentId;
    if (parent && !isZero(parent)) this.bytesField(4, parent, 8);
    this.stringField(5, span._operationName);
    this.tag(6, WIRE_VARINT);
    this.varint(kindOf(tags));
    this.nanosField(7, span._startTime, 0);
    this.nanosField(8, span._startTime, span._duration ?? 0);
    const naming = this.naming;
    for (let i = 0; i < tags.length; i++) {
      const key = attributeKey(tags[i].key, naming);
      if (key !== null) this.keyValue(9, key, attributeValue(tags[i].key, tags[i].value, tags, naming));
    }
    this.events(span);
    this.links(span);
    if (hasError(tags)) {
      const st = this.begin(15);
      const message = errorMessage(span._logs);
      if (message) this.stringField(2, message);
      this.tag(3, WIRE_VARINT);
      this.varint(StatusCode.ERROR);
      this.end(st);
    }
    this.tag(16, WIRE_I32);
    this.reserve(4);
    this.buf.writeUInt32LE(ctx.flags & 0x01, this.pos);
    this.pos += 4;
    this.end(s);
    this.end(entry);
    return this.pos - start;
  }

  private events(span: JaegerSpanLike): void {
    const logs = span._logs;
    for (let i = 0; i < logs.length; i++) {
      const fields = logs[i].fields;
      const exception = isErrorLog(fields);
      const ev = this.begin(11);
      this.nanosField(1, logs[i].timestamp, 0);
      this.stringField(2, eventNameOf(fields));
      for (let j = 0; j < fields.length; j++) {
        const key = eventAttributeKey(fields[j].key, exception);
        if (key !== null) this.keyValue(3, key, fields[j].value);
      }
      this.end(ev);
    }
  }

  private links(span: JaegerSpanLike): void {
    const refs = span._references;
    if (!refs || refs.length === 0) return;
    const parentId = span._spanContext.parentId;
    for (let i = 0; i < refs.length; i++) {
      const type = refs[i].type();
      const ref = refs[i].referencedContext();
      if (!isLink(type, ref.spanId, parentId)) continue;
      const link = this.begin(13);
      this.bytesField(1, ref.traceId ?? ZERO8, 16);
      this.bytesField(2, ref.spanId ?? ZERO8, 8);
      this.keyValue(4, 'opentracing.ref_type', type);
      this.end(link);
    }
  }

  /** The `resource` field (1) of ResourceSpans for this process. */
  encodeResource(serviceName: string, processTags: JaegerKeyValue[], options: ResourceOptions = {}): Buffer {
    const e = new OtlpProtoEncoder({ initialSize: 1024 });
    const r = e.begin(1);
    for (const { key, value } of resourceAttributes(serviceName, processTags, options)) e.keyValue(1, key, value);
    e.end(r);
    return e.take();
  }
}

/**
 * `ExportTraceServiceRequest { resource_spans: [ResourceSpans { resource, scope_spans... }] }` around a
 * packet of {@link OtlpProtoEncoder.encodeSpan} entries.
 */
export function otlpProtoFraming(resourceField: Buffer): Framing {
  return {
    overhead: 1 + 5 + resourceField.length,
    prefix(_count: number, bodyLength = 0): Buffer {
      const len = resourceField.length + bodyLength;
      const head: number[] = [0x0a];
      let v = len;
      while (v >= 0x80) {
        head.push((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      head.push(v);
      return Buffer.concat([Buffer.from(head), resourceField]);
    },
    suffix: Buffer.alloc(0),
  };
}

// ---------------------------------------------------------------------------------------------- JSON

const HEX = '0123456789abcdef';

/**
 * OTLP/JSON writer: lowerCamelCase field names, ids as hex, enums as numbers, 64-bit integers as strings.
 * Each entry starts with a comma; the sender drops the first byte of a packet's body.
 */
export class OtlpJsonEncoder extends GrowableBuffer implements ReporterEncoder {
  private readonly naming: AttributeNaming;
  private readonly scopes = new Map<string, Buffer>();

  constructor(options: OtlpEncoderOptions = {}) {
    super(options.initialSize ?? 65536);
    this.naming = options.attributeNaming ?? 'semconv';
  }

  private ascii(s: string): void {
    const len = s.length;
    this.reserve(len);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < len; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A non-negative integer (below 2^53) in decimal, written without making a string. */
  private decimal(n: number): void {
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    this.reserve(digits);
    const b = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    let rest = n;
    do {
      b[--p] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
  }

  /** `"<us>000"`: nanoseconds from whole microseconds, as an OTLP/JSON 64-bit integer string. */
  private nanosString(us: number): void {
    this.ascii('"');
    this.decimal(us);
    this.ascii('000"');
  }

  /** A JSON string literal. */
  private str(s: string): void {
    const len = s.length;
    if (len <= ASCII_FAST_MAX) {
      this.reserve(len + 2);
      const b = this.buf;
      let p = this.pos;
      b[p++] = 0x22;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) break;
        b[p++] = c;
      }
      if (i === len) {
        b[p++] = 0x22;
        this.pos = p;
        return;
      }
    }
    const json = JSON.stringify(s);
    const n = Buffer.byteLength(json, 'utf8');
    this.reserve(n);
    this.buf.write(json, this.pos, 'utf8');
    this.pos += n;
  }

  private hexId(v: Buffer, width: number): void {
    this.reserve(width * 2 + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    const pad = width - v.length;
    for (let i = 0; i < width; i++) {
      const byte = i < pad ? 0 : v[i - pad];
      b[p++] = HEX.charCodeAt(byte >> 4);
      b[p++] = HEX.charCodeAt(byte & 15);
    }
    b[p++] = 0x22;
    this.pos = p;
  }

  private value(value: unknown): void {
    const vt = typeof value;
    if (vt === 'string') {
      this.ascii('{"stringValue":');
      this.str(value as string);
    } else if (vt === 'boolean') {
      this.ascii(value ? '{"boolValue":true' : '{"boolValue":false');
    } else if (vt === 'number' && Number.isSafeInteger(value) && (value as number) >= 0) {
      this.ascii('{"intValue":"');
      this.decimal(value as number);
      this.ascii('"');
    } else if (vt === 'number' && Number.isSafeInteger(value)) {
      this.ascii(`{"intValue":"${value as number}"`);
    } else if (vt === 'number') {
      const n = value as number;
      this.ascii(`{"doubleValue":${Number.isFinite(n) ? JSON.stringify(n) : `"${n === Infinity ? 'Infinity' : n === -Infinity ? '-Infinity' : 'NaN'}"`}`);
    } else if (value instanceof Buffer) {
      this.ascii(`{"bytesValue":"${value.toString('base64')}"`);
    } else {
      this.ascii('{"stringValue":');
      this.str(vt === 'object' ? jsonOf(value) : String(value));
    }
    this.ascii('}');
  }

  private keyValue(first: boolean, key: string, value: unknown): void {
    this.ascii(first ? '{"key":' : ',{"key":');
    this.str(key);
    this.ascii(',"value":');
    this.value(value);
    this.ascii('}');
  }

  private scopeBytes(name: string): Buffer {
    let bytes = this.scopes.get(name);
    if (bytes === undefined) {
      bytes = Buffer.from(`,{"scope":${JSON.stringify(SPANWISE_VERSION ? { name, version: SPANWISE_VERSION } : { name })},"spans":[`);
      this.scopes.set(name, bytes);
    }
    return bytes;
  }

  encodeSpan(span: JaegerSpanLike): number {
    const start = this.pos;
    const ctx = span._spanContext;
    const tags = span._tags;
    this.raw(this.scopeBytes(scopeOf(tags)));
    this.ascii('{"traceId":');
    this.hexId(ctx.traceId ?? ZERO8, 16);
    this.ascii(',"spanId":');
    this.hexId(ctx.spanId ?? ZERO8, 8);
    const parent = ctx.parentId;
    if (parent && !isZero(parent)) {
      this.ascii(',"parentSpanId":');
      this.hexId(parent, 8);
    }
    this.ascii((ctx.flags & 0x01) === 1 ? ',"flags":1,"name":' : ',"flags":0,"name":');
    this.str(span._operationName);
    const startUs = micros(span._startTime);
    this.ascii(',"kind":');
    this.decimal(kindOf(tags));
    this.ascii(',"startTimeUnixNano":');
    this.nanosString(startUs);
    this.ascii(',"endTimeUnixNano":');
    this.nanosString(startUs + micros(span._duration ?? 0));
    this.ascii(',"attributes":[');
    const naming = this.naming;
    let first = true;
    for (let i = 0; i < tags.length; i++) {
      const key = attributeKey(tags[i].key, naming);
      if (key === null) continue;
      this.keyValue(first, key, attributeValue(tags[i].key, tags[i].value, tags, naming));
      first = false;
    }
    this.ascii(']');
    this.events(span);
    this.links(span);
    if (hasError(tags)) {
      this.ascii(',"status":{"code":');
      this.decimal(StatusCode.ERROR);
      const message = errorMessage(span._logs);
      if (message) {
        this.ascii(',"message":');
        this.str(message);
      }
      this.ascii('}');
    }
    this.ascii('}]}');
    return this.pos - start;
  }

  private events(span: JaegerSpanLike): void {
    const logs = span._logs;
    if (logs.length === 0) return;
    this.ascii(',"events":[');
    for (let i = 0; i < logs.length; i++) {
      const fields = logs[i].fields;
      const exception = isErrorLog(fields);
      this.ascii(i === 0 ? '{"timeUnixNano":' : ',{"timeUnixNano":');
      this.nanosString(micros(logs[i].timestamp));
      this.ascii(',"name":');
      this.str(eventNameOf(fields));
      this.ascii(',"attributes":[');
      let first = true;
      for (let j = 0; j < fields.length; j++) {
        const key = eventAttributeKey(fields[j].key, exception);
        if (key === null) continue;
        this.keyValue(first, key, fields[j].value);
        first = false;
      }
      this.ascii(']}');
    }
    this.ascii(']');
  }

  private links(span: JaegerSpanLike): void {
    const refs = span._references;
    if (!refs || refs.length === 0) return;
    const parentId = span._spanContext.parentId;
    let first = true;
    for (let i = 0; i < refs.length; i++) {
      const type = refs[i].type();
      const ref = refs[i].referencedContext();
      if (!isLink(type, ref.spanId, parentId)) continue;
      this.ascii(first ? ',"links":[{"traceId":' : ',{"traceId":');
      first = false;
      this.hexId(ref.traceId ?? ZERO8, 16);
      this.ascii(',"spanId":');
      this.hexId(ref.spanId ?? ZERO8, 8);
      this.ascii(',"attributes":[');
      this.keyValue(true, 'opentracing.ref_type', type);
      this.ascii(']}');
    }
    if (!first) this.ascii(']');
  }

  /** The `"resource":{...}` member of ResourceSpans, as JSON text. */
  encodeResource(serviceName: string, processTags: JaegerKeyValue[], options: ResourceOptions = {}): Buffer {
    const e = new OtlpJsonEncoder({ initialSize: 1024 });
    e.ascii('"resource":{"attributes":[');
    let first = true;
    for (const { key, value } of resourceAttributes(serviceName, processTags, options)) {
      e.keyValue(first, key, value);
      first = false;
    }
    e.ascii(']}');
    return e.take();
  }
}

/** `{"resourceSpans":[{"resource":...,"scopeSpans":[` + entries (first comma dropped by the sender) + `]}]}`. */
export function otlpJsonFraming(resourceMember: Buffer): Framing {
  const head = Buffer.concat([Buffer.from('{"resourceSpans":[{'), resourceMember, Buffer.from(',"scopeSpans":[')]);
  const suffix = Buffer.from(']}]}');
  return { overhead: head.length + suffix.length, prefix: () => head, suffix };
}

function isZero(id: Buffer): boolean {
  for (let i = 0; i < id.length; i++) if (id[i] !== 0) return false;
  return true;
}

function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
