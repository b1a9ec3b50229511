/**
 * OTLP/HTTP trace decoding (`ExportTraceServiceRequest`, protobuf or JSON) into the agent's {@link DecodedSpan}s,
 * so the local receiver shows spans from Spanwise's OTLP exporter and from OpenTelemetry SDKs alike.
 */
import type { DecodedLog, DecodedReference, DecodedSpan, TagValue } from './types';
import { ZERO_SPAN_ID } from './types';

const KIND_NAMES = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

/** A protobuf message read field by field: varints as numbers (or bigint-safe strings for int64), LEN fields as Buffers. */
class ProtoReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new Error('OTLP protobuf: truncated varint');
      const b = this.buf[this.pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    throw new Error('OTLP protobuf: varint too long');
  }

  /** Reads a field key; returns [field, wire type]. */
  key(): [number, number] {
    const k = this.varint();
    return [Math.floor(k / 8), k & 7];
  }

  bytes(): Buffer {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new Error('OTLP protobuf: truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.buf.length) throw new Error('OTLP protobuf: truncated fixed64');
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw new Error('OTLP protobuf: truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`OTLP protobuf: unsupported wire type ${wire}`);
  }
}

/** Signed int64 from a varint read as an unsigned number (two's complement above 2^63). */
function int64(v: number): number {
  return v >= 2 ** 63 ? v - 2 ** 64 : v;
}

function anyValue(buf: Buffer): TagValue {
  const r = new ProtoReader(buf);
  let out: TagValue = '';
  while (!r.done()) {
    const [field, wire] = r.key();
    if (field === 1 && wire === 2) out = r.bytes().toString('utf8');
    else if (field === 2 && wire === 0) out = r.varint() !== 0;
    else if (field === 3 && wire === 0) out = int64(r.varint());
    else if (field === 4 && wire === 1) out = r.double();
    else if (field === 7 && wire === 2) out = r.bytes().toString('base64');
    else if ((field === 5 || field === 6) && wire === 2) out = JSON.stringify(protoComposite(r.bytes(), field));
    else r.skip(wire);
  }
  return out;
}

/** ArrayValue / KeyValueList as plain JSON-able values (shown as a string tag). */
function protoComposite(buf: Buffer, field: number): unknown {
  const r = new ProtoReader(buf);
  const list: unknown[] = [];
  const obj: Record<string, unknown> = {};
  while (!r.done()) {
    const [f, wire] = r.key();
    if (f === 1 && wire === 2) {
      const b = r.bytes();
      if (field === 5) list.push(anyValue(b));
      else {
        const [k, v] = keyValue(b);
        obj[k] = v;
      }
    } else r.skip(wire);
  }
  return field === 5 ? list : obj;
}

function keyValue(buf: Buffer): [string, TagValue] {
  const r = new ProtoReader(buf);
  let key = '';
  let value: TagValue = '';
  while (!r.done()) {
    const [field, wire] = r.key();
    if (field === 1 && wire === 2) key = r.bytes().toString('utf8');
    else if (field === 2 && wire === 2) value = anyValue(r.bytes());
    else r.skip(wire);
  }
  return [key, value];
}

/** 16 hex chars when the upper half of a 128-bit trace id is zero (how 64-bit Jaeger ids are padded), else 32. */
function traceIdHex(id: Buffer | string): string {
  const hex = typeof id === 'string' ? id.toLowerCase() : id.toString('hex');
  return hex.length === 32 && hex.startsWith('0000000000000000') ? hex.slice(16) : hex.padStart(16, '0');
}

function micros(nanos: bigint | string): number {
  return Number(BigInt(nanos) / 1000n);
}

interface SpanParts {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  start: number;
  end: number;
  flags: number;
  tags: Record<string, TagValue>;
  logs: DecodedLog[];
  references: DecodedReference[];
  statusCode: number;
  statusMessage: string;
}

function toDecoded(p: SpanParts, serviceName: string, processTags: Record<string, TagValue>, scope: string): DecodedSpan {
  const tags = { ...p.tags };
  if (KIND_NAMES[p.kind] && p.kind !== 1) tags['span.kind'] = KIND_NAMES[p.kind];
  if (p.statusCode === 2) {
    tags.error = true;
    if (p.statusMessage) tags['otel.status_description'] = p.statusMessage;
  }
  if (scope) tags['otel.scope.name'] = scope;
  const references = p.parentSpanId !== ZERO_SPAN_ID ? [{ refType: 'CHILD_OF' as const, traceId: p.traceId, spanId: p.parentSpanId }, ...p.references] : p.references;
  return {
    traceId: p.traceId,
    spanId: p.spanId,
    parentSpanId: p.parentSpanId,
    operationName: p.name,
    serviceName,
    processTags,
    flags: p.flags,
    startTime: p.start,
    duration: Math.max(0, p.end - p.start),
    tags,
    logs: p.logs,
    references,
  };
}

function emptyParts(): SpanParts {
  return {
    traceId: '',
    spanId: ZERO_SPAN_ID,
    parentSpanId: ZERO_SPAN_ID,
    name: '',
    kind: 0,
    start: 0,
    end: 0,
    flags: 1,
    tags: {},
    logs: [],
    references: [],
    statusCode: 0,
    statusMessage: '',
  };
}

// ------------------------------------------------------------------------------------------ protobuf

function protoSpan(buf: Buffer): SpanParts {
  const r = new ProtoReader(buf);
  const p = emptyParts();
  while (!r.done()) {
    const [field, wire] = r.key();
    if (field === 1 && wire === 2) p.traceId = traceIdHex(r.bytes());
    else if (field === 2 && wire === 2) p.spanId = r.bytes().toString('hex');
    else if (field === 4 && wire === 2) p.parentSpanId = r.bytes().toString('hex') || ZERO_SPAN_ID;
    else if (field === 5 && wire === 2) p.name = r.bytes().toString('utf8');
    else if (field === 6 && wire === 0) p.kind = r.varint();
    else if (field === 7 && wire === 1) p.start = micros(r.fixed64());
    else if (field === 8 && wire === 1) p.end = micros(r.fixed64());
    else if (field === 9 && wire === 2) {
      const [k, v] = keyValue(r.bytes());
      p.tags[k] = v;
    } else if (field === 11 && wire === 2) p.logs.push(protoEvent(r.bytes()));
    else if (field === 13 && wire === 2) p.references.push(protoLink(r.bytes()));
    else if (field === 15 && wire === 2) {
      const s = new ProtoReader(r.bytes());
      while (!s.done()) {
        const [f, w] = s.key();
        if (f === 2 && w === 2) p.statusMessage = s.bytes().toString('utf8');
        else if (f === 3 && w === 0) p.statusCode = s.varint();
        else s.skip(w);
      }
    } else if (field === 16 && wire === 5) {
      p.flags = buf.readUInt32LE(r.pos) & 0xff;
      r.pos += 4;
    } else r.skip(wire);
  }
  return p;
}

function protoEvent(buf: Buffer): DecodedLog {
  const r = new ProtoReader(buf);
  const log: DecodedLog = { timestamp: 0, fields: {} };
  while (!r.done()) {
    const [field, wire] = r.key();
    if (field === 1 && wire === 1) log.timestamp = micros(r.fixed64());
    else if (field === 2 && wire === 2) log.fields.event = r.bytes().toString('utf8');
    else if (field === 3 && wire === 2) {
      const [k, v] = keyValue(r.bytes());
      log.fields[k] = v;
    } else r.skip(wire);
  }
  return log;
}

function protoLink(buf: Buffer): DecodedReference {
  const r = new ProtoReader(buf);
  const ref: DecodedReference = { refType: 'FOLLOWS_FROM', traceId: '', spanId: ZERO_SPAN_ID };
  while (!r.done()) {
    const [field, wire] = r.key();
    if (field === 1 && wire === 2) ref.traceId = traceIdHex(r.bytes());
    else if (field === 2 && wire === 2) ref.spanId = r.bytes().toString('hex');
    else r.skip(wire);
  }
  return ref;
}

/** Decodes an OTLP/HTTP protobuf `ExportTraceServiceRequest`. Throws on malformed input. */
export function decodeOtlpProtobuf(body: Buffer): DecodedSpan[] {
  const out: DecodedSpan[] = [];
  const req = new ProtoReader(body);
  while (!req.done()) {
    const [field, wire] = req.key();
    if (field !== 1 || wire !== 2) {
      req.skip(wire);
      continue;
    }
    const rs = new ProtoReader(req.bytes());
    const processTags: Record<string, TagValue> = {};
    const scopeSpans: Buffer[] = [];
    while (!rs.done()) {
      const [f, w] = rs.key();
      if (f === 1 && w === 2) {
        const res = new ProtoReader(rs.bytes());
        while (!res.done()) {
          const [rf, rw] = res.key();
          if (rf === 1 && rw === 2) {
            const [k, v] = keyValue(res.bytes());
            processTags[k] = v;
          } else res.skip(rw);
        }
      } else if (f === 2 && w === 2) scopeSpans.push(rs.bytes());
      else rs.skip(w);
    }
    const serviceName = String(processTags['service.name'] ?? 'unknown_service');
    for (const ssBuf of scopeSpans) {
      const ss = new ProtoReader(ssBuf);
      let scope = '';
      const spans: SpanParts[] = [];
      while (!ss.done()) {
        const [f, w] = ss.key();
        if (f === 1 && w === 2) {
          const sc = new ProtoReader(ss.bytes());
          while (!sc.done()) {
            const [sf, sw] = sc.key();
            if (sf === 1 && sw === 2) scope = sc.bytes().toString('utf8');
            else sc.skip(sw);
          }
        } else if (f === 2 && w === 2) spans.push(protoSpan(ss.bytes()));
        else ss.skip(w);
      }
      for (const p of spans) out.push(toDecoded(p, serviceName, processTags, scope));
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------ JSON

/* eslint-disable @typescript-eslint/no-explicit-any -- OTLP/JSON bodies from any sender, checked field by field below */
function jsonValue(v: any): TagValue {
  if (!v || typeof v !== 'object') return '';
  if ('stringValue' in v) return String(v.stringValue);
  if ('boolValue' in v) return Boolean(v.boolValue);
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('bytesValue' in v) return String(v.bytesValue);
  if ('arrayValue' in v) return JSON.stringify((v.arrayValue?.values ?? []).map(jsonValue));
  if ('kvlistValue' in v) return JSON.stringify(jsonAttributes(v.kvlistValue?.values));
  return '';
}

function jsonAttributes(list: any): Record<string, TagValue> {
  const out: Record<string, TagValue> = {};
  if (Array.isArray(list)) for (const kv of list) if (kv && typeof kv.key === 'string') out[kv.key] = jsonValue(kv.value);
  return out;
}

function jsonId(v: unknown, width: number): string {
  if (typeof v !== 'string' || v === '') return '0'.repeat(width);
  if (!/^[0-9a-fA-F]+$/.test(v)) throw new Error(`OTLP JSON: id ${JSON.stringify(v)} is not hex`);
  return v.toLowerCase().padStart(width, '0');
}

/** Decodes an OTLP/HTTP JSON `ExportTraceServiceRequest`. Throws on malformed input. */
export function decodeOtlpJson(body: Buffer | string): DecodedSpan[] {
  const req = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  if (!req || typeof req !== 'object') throw new Error('OTLP JSON: not an object');
  const out: DecodedSpan[] = [];
  for (const rs of Array.isArray(req.resourceSpans) ? req.resourceSpans : []) {
    const processTags = jsonAttributes(rs?.resource?.attributes);
    const serviceName = String(processTags['service.name'] ?? 'unknown_service');
    for (const ss of Array.isArray(rs?.scopeSpans) ? rs.scopeSpans : []) {
      const scope = typeof ss?.scope?.name === 'string' ? ss.scope.name : '';
      for (const s of Array.isArray(ss?.spans) ? ss.spans : []) {
        const p = emptyParts();
        p.traceId = traceIdHex(jsonId(s.traceId, 32));
        p.spanId = jsonId(s.spanId, 16);
        p.parentSpanId = s.parentSpanId ? jsonId(s.parentSpanId, 16) : ZERO_SPAN_ID;
        p.name = String(s.name ?? '');
        p.kind = Number(s.kind ?? 0);
        p.start = micros(String(s.startTimeUnixNano ?? '0'));
        p.end = micros(String(s.endTimeUnixNano ?? '0'));
        if (s.flags !== undefined) p.flags = Number(s.flags) & 0xff;
        p.tags = jsonAttributes(s.attributes);
        for (const e of Array.isArray(s.events) ? s.events : []) {
          p.logs.push({ timestamp: micros(String(e.timeUnixNano ?? '0')), fields: { event: String(e.name ?? ''), ...jsonAttributes(e.attributes) } });
        }
        for (const l of Array.isArray(s.links) ? s.links : []) {
          p.references.push({ refType: 'FOLLOWS_FROM', traceId: traceIdHex(jsonId(l.traceId, 32)), spanId: jsonId(l.spanId, 16) });
        }
        p.statusCode = Number(s.status?.code ?? 0);
        p.statusMessage = typeof s.status?.message === 'string' ? s.status.message : '';
        out.push(toDecoded(p, serviceName, processTags, scope));
      }
    }
  }
  return out;
}
