import * as path from 'path';
import { int64Hex, traceIdHex } from './ids';
import { readCompactEmitBatch } from './compact';
import type { DecodedLog, DecodedReference, DecodedSpan, TagValue } from './types';

/* ---------- Raw Thrift shapes (as thriftrw reads jaeger.thrift; i64 fields are 8-byte big-endian Buffers) ---------- */

export interface RawTag {
  key: string;
  vType: string;
  vStr?: string | null;
  vDouble?: number | null;
  vBool?: boolean | null;
  vLong?: Buffer | null;
  vBinary?: Buffer | null;
}
export interface RawLog { timestamp: Buffer; fields: RawTag[] | null }
export interface RawSpanRef { refType: string; traceIdLow: Buffer; traceIdHigh: Buffer; spanId: Buffer }
export interface RawSpan {
  traceIdLow: Buffer;
  traceIdHigh: Buffer;
  spanId: Buffer;
  parentSpanId: Buffer;
  operationName: string;
  references?: RawSpanRef[] | null;
  flags: number;
  startTime: Buffer;
  duration: Buffer;
  tags?: RawTag[] | null;
  logs?: RawLog[] | null;
}
export interface RawProcess { serviceName: string; tags?: RawTag[] | null }
export interface RawBatch { process: RawProcess; spans: RawSpan[] }

/* ---------- thriftrw loading ---------- */

interface ReadResult<T> { err: Error | null; offset: number; value: T }
interface ThriftRW<T> { readFrom(buf: Buffer, offset: number): ReadResult<T> }
interface AgentThrift {
  Agent: { emitBatch: { argumentsMessageRW: ThriftRW<{ name: string; type: string; body: { batch: RawBatch } }> } };
  modules: { jaeger: { Batch: { rw: ThriftRW<RawBatch> } } };
}

/**
 * Absolute path of the Agent IDL shipped inside jaeger-client
 * (`jaeger-client/dist/src/thriftrw-idl/agent.thrift`, which includes `../jaeger-idl/thrift/jaeger.thrift`).
 */
export function agentThriftPath(): string {
  const pkg = require.resolve('jaeger-client/package.json');
  return path.join(path.dirname(pkg), 'dist', 'src', 'thriftrw-idl', 'agent.thrift');
}

let cached: AgentThrift | undefined;
function thrift(): AgentThrift {
  if (!cached) {
    // thriftrw ships no type declarations.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- thriftrw is loaded on the first binary packet (untyped)
    const { Thrift } = require('thriftrw') as { Thrift: new (opts: object) => AgentThrift };
    cached = new Thrift({ entryPoint: agentThriftPath(), allowFilesystemAccess: true, allowOptionalArguments: true });
  }
  return cached;
}

/* ---------- public decoders ---------- */

/** Protocol id byte that starts every Thrift compact-protocol message. */
const COMPACT_PROTOCOL_ID = 0x82;

/**
 * Decodes one UDP packet of the Jaeger agent protocol: an `Agent.emitBatch` oneway message, Thrift
 * BINARY protocol (what jaeger-client's UDPSender sends, port 6832; strict or legacy envelope) or Thrift
 * COMPACT protocol (port 6831, used by other Jaeger clients). Throws an Error on anything else.
 */
export function decodeAgentPacket(buf: Buffer): DecodedSpan[] {
  if (!Buffer.isBuffer(buf) || buf.length === 0) throw new Error('empty packet');
  let batch: RawBatch;
  if (buf[0] === COMPACT_PROTOCOL_ID) {
    batch = readCompactEmitBatch(buf);
  } else {
    let res: ReadResult<{ name: string; type: string; body: { batch: RawBatch } }>;
    try {
      res = thrift().Agent.emitBatch.argumentsMessageRW.readFrom(buf, 0);
    } catch (e) {
      throw new Error(`not a Thrift binary emitBatch message: ${(e as Error).message}`, { cause: e });
    }
    if (res.err) throw new Error(`not a Thrift binary emitBatch message: ${res.err.message}`);
    if (res.value.name !== 'emitBatch') throw new Error(`unexpected Thrift method ${JSON.stringify(res.value.name)}, expected "emitBatch"`);
    if (!res.value.body || !res.value.body.batch) throw new Error('emitBatch message without a batch');
    batch = res.value.body.batch;
  }
  return convertBatch(batch);
}

/** Decodes a Thrift BINARY `jaeger.Batch`, the body jaeger-client's HTTPSender POSTs to a collector's /api/traces. */
export function decodeBatch(buf: Buffer): DecodedSpan[] {
  if (!Buffer.isBuffer(buf) || buf.length === 0) throw new Error('empty batch');
  let res: ReadResult<RawBatch>;
  try {
    res = thrift().modules.jaeger.Batch.rw.readFrom(buf, 0);
  } catch (e) {
    throw new Error(`not a Thrift binary Batch: ${(e as Error).message}`, { cause: e });
  }
  if (res.err) throw new Error(`not a Thrift binary Batch: ${res.err.message}`);
  return convertBatch(res.value);
}

/* ---------- conversion ---------- */

function int64(buf: Buffer | null | undefined): number {
  if (!buf || buf.length === 0) return 0;
  const b = buf.length >= 8 ? buf.subarray(buf.length - 8) : Buffer.concat([Buffer.alloc(8 - buf.length), buf]);
  return Number(b.readBigInt64BE(0));
}

function tagValue(t: RawTag): TagValue {
  switch (t.vType) {
    case 'STRING':
      return t.vStr ?? '';
    case 'DOUBLE':
      return t.vDouble ?? 0;
    case 'BOOL':
      return t.vBool ?? false;
    case 'LONG':
      return int64(t.vLong);
    case 'BINARY':
      return (t.vBinary ?? Buffer.alloc(0)).toString('base64');
    default:
      throw new Error(`unknown tag type ${String(t.vType)} for tag ${JSON.stringify(t.key)}`);
  }
}

function tagMap(tags: RawTag[] | null | undefined): Record<string, TagValue> {
  const out: Record<string, TagValue> = {};
  for (const t of tags ?? []) out[t.key] = tagValue(t);
  return out;
}

function convertRef(r: RawSpanRef): DecodedReference {
  if (r.refType !== 'CHILD_OF' && r.refType !== 'FOLLOWS_FROM') throw new Error(`unknown reference type ${String(r.refType)}`);
  return { refType: r.refType, traceId: traceIdHex(r.traceIdHigh, r.traceIdLow), spanId: int64Hex(r.spanId) };
}

function convertLog(l: RawLog): DecodedLog {
  return { timestamp: int64(l.timestamp), fields: tagMap(l.fields) };
}

/** Converts a raw Thrift batch to DecodedSpans. */
export function convertBatch(batch: RawBatch): DecodedSpan[] {
  if (!batch || !batch.process || !Array.isArray(batch.spans)) throw new Error('malformed batch: missing process or spans');
  const serviceName = batch.process.serviceName;
  const processTags = tagMap(batch.process.tags);
  return batch.spans.map((s) => ({
    traceId: traceIdHex(s.traceIdHigh, s.traceIdLow),
    spanId: int64Hex(s.spanId),
    parentSpanId: int64Hex(s.parentSpanId),
    operationName: s.operationName,
    serviceName,
    processTags: { ...processTags },
    flags: s.flags,
    startTime: int64(s.startTime),
    duration: int64(s.duration),
    tags: tagMap(s.tags),
    logs: (s.logs ?? []).map(convertLog),
    references: (s.references ?? []).map(convertRef),
  }));
}
