/**
 * Minimal reader of the Thrift COMPACT protocol, enough for `Agent.emitBatch` (Jaeger agent port 6831).
 * thriftrw only speaks the binary protocol, so this reads a generic value tree and maps field ids to the
 * same shape thriftrw produces for jaeger.thrift (i64 as 8-byte big-endian Buffers, enums as names).
 */
import type { RawBatch, RawLog, RawProcess, RawSpan, RawSpanRef, RawTag } from './decode';

const CT = {
  STOP: 0,
  BOOL_TRUE: 1,
  BOOL_FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

type Value = boolean | number | bigint | Buffer | Value[] | Map<Value, Value> | Fields;
type Fields = Map<number, Value> & { __struct?: true };

const MAX_DEPTH = 32;

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new Error(`truncated compact message at byte ${this.pos}`);
  }
  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    throw new Error('varint too long');
  }
  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }
  int(): number {
    return Number(this.zigzag());
  }
  size(): number {
    const n = Number(this.varint());
    if (n > this.buf.length) throw new Error(`implausible size ${n}`);
    return n;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  double(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  value(type: number, depth: number): Value {
    if (depth > MAX_DEPTH) throw new Error('nesting too deep');
    switch (type) {
      case CT.BOOL_TRUE:
      case CT.BOOL_FALSE:
        // inside lists/sets/maps a bool is a whole byte: 1 = true
        return this.byte() === CT.BOOL_TRUE;
      case CT.BYTE:
        return (this.byte() << 24) >> 24;
      case CT.I16:
      case CT.I32:
        return this.int();
      case CT.I64:
        return this.zigzag();
      case CT.DOUBLE:
        return this.double();
      case CT.BINARY:
        return this.bytes(this.size());
      case CT.LIST:
      case CT.SET: {
        const header = this.byte();
        let n = header >> 4;
        if (n === 15) n = this.size();
        const elemType = header & 0x0f;
        const out: Value[] = [];
        for (let i = 0; i < n; i++) out.push(this.value(elemType, depth + 1));
        return out;
      }
      case CT.MAP: {
        const n = this.size();
        const out = new Map<Value, Value>();
        if (n === 0) return out;
        const kv = this.byte();
        for (let i = 0; i < n; i++) out.set(this.value(kv >> 4, depth + 1), this.value(kv & 0x0f, depth + 1));
        return out;
      }
      case CT.STRUCT:
        return this.struct(depth + 1);
      default:
        throw new Error(`unknown compact type ${type} at byte ${this.pos}`);
    }
  }

  struct(depth: number): Fields {
    const fields: Fields = new Map();
    let lastId = 0;
    for (;;) {
      const header = this.byte();
      const type = header & 0x0f;
      if (type === CT.STOP) return fields;
      const delta = header >> 4;
      const id = delta === 0 ? this.int() : lastId + delta;
      lastId = id;
      if (type === CT.BOOL_TRUE || type === CT.BOOL_FALSE) fields.set(id, type === CT.BOOL_TRUE);
      else fields.set(id, this.value(type, depth));
    }
  }
}

/* ---------- mapping field ids of jaeger.thrift to thriftrw-shaped objects ---------- */

function asFields(v: Value | undefined, what: string): Fields {
  if (!(v instanceof Map)) throw new Error(`compact: ${what} is not a struct`);
  return v as Fields;
}
function asList(v: Value | undefined, what: string, optional = false): Value[] {
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) throw new Error(`compact: ${what} is not a list`);
  return v;
}
function asString(v: Value | undefined, what: string, optional = false): string {
  if (v === undefined && optional) return '';
  if (!Buffer.isBuffer(v)) throw new Error(`compact: ${what} is not a string`);
  return v.toString('utf8');
}
function asI64(v: Value | undefined, what: string, optional = false): Buffer {
  const out = Buffer.alloc(8);
  if (v === undefined && optional) return out;
  if (typeof v !== 'bigint') throw new Error(`compact: ${what} is not an i64`);
  out.writeBigInt64BE(BigInt.asIntN(64, v));
  return out;
}
function asNumber(v: Value | undefined, what: string, optional = false): number {
  if (v === undefined && optional) return 0;
  if (typeof v !== 'number') throw new Error(`compact: ${what} is not a number`);
  return v;
}

const TAG_TYPES = ['STRING', 'DOUBLE', 'BOOL', 'LONG', 'BINARY'];
const REF_TYPES = ['CHILD_OF', 'FOLLOWS_FROM'];

function tag(v: Value): RawTag {
  const f = asFields(v, 'Tag');
  const vType = TAG_TYPES[asNumber(f.get(2), 'Tag.vType')];
  if (!vType) throw new Error(`compact: unknown tag type ${String(f.get(2))}`);
  const vBinary = f.get(7);
  return {
    key: asString(f.get(1), 'Tag.key'),
    vType,
    vStr: f.has(3) ? asString(f.get(3), 'Tag.vStr') : null,
    vDouble: f.has(4) ? asNumber(f.get(4), 'Tag.vDouble') : null,
    vBool: f.has(5) ? f.get(5) === true : null,
    vLong: f.has(6) ? asI64(f.get(6), 'Tag.vLong') : null,
    vBinary: Buffer.isBuffer(vBinary) ? vBinary : null,
  };
}
function tags(v: Value | undefined, what: string): RawTag[] {
  return asList(v, what, true).map(tag);
}
function log(v: Value): RawLog {
  const f = asFields(v, 'Log');
  return { timestamp: asI64(f.get(1), 'Log.timestamp'), fields: tags(f.get(2), 'Log.fields') };
}
function ref(v: Value): RawSpanRef {
  const f = asFields(v, 'SpanRef');
  const refType = REF_TYPES[asNumber(f.get(1), 'SpanRef.refType')];
  if (!refType) throw new Error(`compact: unknown reference type ${String(f.get(1))}`);
  return {
    refType,
    traceIdLow: asI64(f.get(2), 'SpanRef.traceIdLow'),
    traceIdHigh: asI64(f.get(3), 'SpanRef.traceIdHigh', true),
    spanId: asI64(f.get(4), 'SpanRef.spanId'),
  };
}
function span(v: Value): RawSpan {
  const f = asFields(v, 'Span');
  return {
    traceIdLow: asI64(f.get(1), 'Span.traceIdLow'),
    traceIdHigh: asI64(f.get(2), 'Span.traceIdHigh', true),
    spanId: asI64(f.get(3), 'Span.spanId'),
    parentSpanId: asI64(f.get(4), 'Span.parentSpanId', true),
    operationName: asString(f.get(5), 'Span.operationName'),
    references: asList(f.get(6), 'Span.references', true).map(ref),
    flags: asNumber(f.get(7), 'Span.flags', true),
    startTime: asI64(f.get(8), 'Span.startTime'),
    duration: asI64(f.get(9), 'Span.duration'),
    tags: tags(f.get(10), 'Span.tags'),
    logs: asList(f.get(11), 'Span.logs', true).map(log),
  };
}
function processOf(v: Value | undefined): RawProcess {
  const f = asFields(v, 'Process');
  return { serviceName: asString(f.get(1), 'Process.serviceName'), tags: tags(f.get(2), 'Process.tags') };
}

/** Reads a compact-protocol `Agent.emitBatch` message (CALL or ONEWAY) and returns its Batch. */
export function readCompactEmitBatch(buf: Buffer): RawBatch {
  const r = new Reader(buf);
  if (r.byte() !== 0x82) throw new Error('not a Thrift compact message');
  const versionAndType = r.byte();
  if ((versionAndType & 0x1f) !== 1) throw new Error(`unsupported compact protocol version ${versionAndType & 0x1f}`);
  r.varint(); // sequence id
  const name = r.bytes(r.size()).toString('utf8');
  if (name !== 'emitBatch') throw new Error(`unexpected Thrift method ${JSON.stringify(name)}, expected "emitBatch"`);
  const args = r.struct(0);
  const batch = asFields(args.get(1), 'emitBatch.batch');
  return { process: processOf(batch.get(1)), spans: asList(batch.get(2), 'Batch.spans').map(span) };
}
