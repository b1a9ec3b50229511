/* Test helpers: encoders for the wire formats (independent of the decoder under test) and jaeger-client setup. */
import * as dgram from 'dgram';
import type { Tracer } from 'opentracing';
import * as path from 'path';

 
const { Thrift } = require('thriftrw');
 
export const jaeger = require('jaeger-client');

/** jaeger-client has no types: the part of its tracer the tests use. */
export type JaegerTracer = Tracer & { close(done?: () => void): void };

const idl = path.join(path.dirname(require.resolve('jaeger-client/package.json')), 'dist/src/thriftrw-idl/agent.thrift');
const thrift = new Thrift({ entryPoint: idl, allowFilesystemAccess: true, allowOptionalArguments: true });

export const silentLogger = { info() {}, error() {} };

/** A real jaeger-client tracer reporting over UDP (binary emitBatch) to the given port. */
export function udpTracer(port: number, serviceName = 'svc', options: Record<string, unknown> = {}): JaegerTracer {
  return jaeger.initTracer(
    { serviceName, sampler: { type: 'const', param: 1 }, reporter: { agentHost: '127.0.0.1', agentPort: port, flushIntervalMs: 10 } },
    { logger: silentLogger, ...options },
  );
}

export function closeTracer(tracer: JaegerTracer): Promise<void> {
  return new Promise((resolve) => tracer.close(() => resolve()));
}

export function i64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}

/** Encodes an Agent.emitBatch message with thriftrw's binary protocol, exactly as jaeger-client's UDPSender does. */
export function encodeBinaryEmitBatch(batch: object): Buffer {
  const j = thrift.modules.jaeger;
  const msg = new thrift.Agent.emitBatch.ArgumentsMessage({ version: 1, id: 0, body: { batch: new j.Batch(batch) } });
  const res = thrift.Agent.emitBatch.argumentsMessageRW.toBuffer(msg);
  if (res.err) throw res.err;
  return res.value;
}

/** Encodes a jaeger.Batch (Thrift binary), as jaeger-client's HTTPSender POSTs it. */
export function encodeBinaryBatch(batch: object): Buffer {
  const j = thrift.modules.jaeger;
  const res = j.Batch.rw.toBuffer(new j.Batch(batch));
  if (res.err) throw res.err;
  return res.value;
}

export function sendUdp(port: number, ...packets: Buffer[]): Promise<void> {
  const sock = dgram.createSocket('udp4');
  return packets
    .reduce((p, pkt) => p.then(() => new Promise<void>((res, rej) => sock.send(pkt, port, '127.0.0.1', (e) => (e ? rej(e) : res())))), Promise.resolve())
    .finally(() => new Promise<void>((res) => sock.close(() => res())));
}

/* ---------- a tiny Thrift COMPACT protocol writer ---------- */

export type CV =
  | { t: 'bool'; v: boolean }
  | { t: 'i32'; v: number }
  | { t: 'i64'; v: bigint }
  | { t: 'double'; v: number }
  | { t: 'binary'; v: Buffer | string }
  | { t: 'list'; elem: CV['t']; v: CV[] }
  | { t: 'struct'; v: [number, CV][] };

const TYPE_ID: Record<CV['t'], number> = { bool: 1, i32: 5, i64: 6, double: 7, binary: 8, list: 9, struct: 12 };

function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const zigzag = (n: bigint): bigint => BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));

function writeValue(v: CV, out: number[], inField: boolean): void {
  switch (v.t) {
    case 'bool':
      if (!inField) out.push(v.v ? 1 : 2);
      return;
    case 'i32':
      out.push(...varint(zigzag(BigInt(v.v))));
      return;
    case 'i64':
      out.push(...varint(zigzag(v.v)));
      return;
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(v.v);
      out.push(...b);
      return;
    }
    case 'binary': {
      const b = Buffer.isBuffer(v.v) ? v.v : Buffer.from(v.v, 'utf8');
      out.push(...varint(BigInt(b.length)), ...b);
      return;
    }
    case 'list':
      if (v.v.length < 15) out.push((v.v.length << 4) | TYPE_ID[v.elem]);
      else out.push(0xf0 | TYPE_ID[v.elem], ...varint(BigInt(v.v.length)));
      for (const e of v.v) writeValue(e, out, false);
      return;
    case 'struct': {
      let last = 0;
      for (const [id, fv] of v.v) {
        const type = fv.t === 'bool' ? (fv.v ? 1 : 2) : TYPE_ID[fv.t];
        if (id > last && id - last <= 15) out.push(((id - last) << 4) | type);
        else out.push(type, ...varint(zigzag(BigInt(id))));
        last = id;
        writeValue(fv, out, true);
      }
      out.push(0);
      return;
    }
  }
}

/** Encodes Agent.emitBatch(batch) as a Thrift compact-protocol ONEWAY message. */
export function encodeCompactEmitBatch(batch: CV): Buffer {
  const out: number[] = [0x82, (4 << 5) | 1, ...varint(7n)];
  const name = Buffer.from('emitBatch');
  out.push(...varint(BigInt(name.length)), ...name);
  writeValue({ t: 'struct', v: [[1, batch]] }, out, true);
  return Buffer.from(out);
}
