/* Shared fixtures for the export tests: thriftrw decoders built from jaeger-client's own IDL, a real
 * UDP agent stand-in, a real HTTP collector stand-in, and jaeger-client tracers. */
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { AddressInfo } from 'net';
import type { Span as OtSpan, SpanContext as OtSpanContext, SpanOptions, Tracer as OtTracer } from 'opentracing';
import type { JaegerSpanLike } from '../../src/export';
import type { RawSpan, RawSpanRef, RawTag } from '../../../agent/src/decode';

export const jaeger = require('jaeger-client');
export const opentracing = require('opentracing');
const { Thrift } = require('thriftrw');
export const ThriftUtils = require('jaeger-client/dist/src/thrift').default;
export const UDPSender = require('jaeger-client/dist/src/reporters/udp_sender').default;
export const InMemoryReporter = require('jaeger-client/dist/src/reporters/in_memory_reporter').default;

const jaegerDir = path.join(path.dirname(require.resolve('jaeger-client/package.json')), 'dist/src');
export const agentThrift = new Thrift({
  entryPoint: path.join(jaegerDir, 'thriftrw-idl/agent.thrift'),
  allowOptionalArguments: true,
  allowFilesystemAccess: true,
});
export const jaegerThrift = new Thrift({
  source: fs.readFileSync(path.join(jaegerDir, 'jaeger-idl/thrift/jaeger.thrift'), 'ascii'),
  allowOptionalArguments: true,
});

/** thriftrw-decoded Jaeger structures, as the agent's decoder reads them; the tests read the lists as always present. */
export type ThriftTag = RawTag;
export type ThriftSpanRef = RawSpanRef;
export interface ThriftLog {
  timestamp: Buffer;
  fields: ThriftTag[];
}
export type ThriftSpan = Omit<RawSpan, 'references' | 'tags' | 'logs'> & { references: ThriftSpanRef[]; tags: ThriftTag[]; logs: ThriftLog[] };
export interface ThriftProcess {
  serviceName: string;
  tags: ThriftTag[];
}

export interface ThriftBatch {
  process: ThriftProcess;
  spans: ThriftSpan[];
}

/** A decoded `Agent.emitBatch` message: envelope and arguments. */
export interface EmitBatchArgs {
  name: string;
  type: string;
  id: number;
  version: number;
  body: { batch: ThriftBatch };
}

/** Decodes a UDP `Agent.emitBatch` payload with thriftrw; throws on malformed input. */
export function decodeEmitBatch(buf: Buffer): EmitBatchArgs {
  const r = agentThrift.Agent.emitBatch.argumentsMessageRW.readFrom(buf, 0);
  if (r.err) throw r.err;
  if (r.offset !== buf.length) throw new Error(`trailing bytes: read ${r.offset} of ${buf.length}`);
  return r.value;
}

/** Decodes an HTTP `Batch` body with thriftrw. */
export function decodeBatch(buf: Buffer): ThriftBatch {
  const r = jaegerThrift.Batch.rw.readFrom(buf, 0);
  if (r.err) throw r.err;
  if (r.offset !== buf.length) throw new Error(`trailing bytes: read ${r.offset} of ${buf.length}`);
  return r.value;
}

/** Decodes one `Span` struct. */
export function decodeSpan(buf: Buffer): ThriftSpan {
  const r = jaegerThrift.Span.rw.readFrom(buf, 0);
  if (r.err) throw r.err;
  expect(r.offset).toBe(buf.length);
  return r.value;
}

/** jaeger-client's own bytes for one span: spanToThrift + thriftrw Span writer (what UDPSender embeds). */
export function jaegerSpanBytes(span: OtSpan): Buffer {
  const r = jaegerThrift.Span.rw.toBuffer(new jaegerThrift.Span(ThriftUtils.spanToThrift(span)));
  if (r.err) throw r.err;
  return r.value;
}

type ValueField = 'vStr' | 'vDouble' | 'vBool' | 'vLong' | 'vBinary';

const VALUE_FIELD: Record<string, ValueField> = {
  STRING: 'vStr',
  DOUBLE: 'vDouble',
  BOOL: 'vBool',
  LONG: 'vLong',
  BINARY: 'vBinary',
};

function plain(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return `0x${v.toString('hex')}`;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(v)) o[k] = plain(value);
    return o;
  }
  return v;
}

/**
 * Normalises a decoded thriftrw Tag to what the Jaeger backend reads: key, vType and the value
 * field selected by vType. With `strictUnused`, asserts the other value fields are absent
 * (compact encoding).
 */
export interface NormTag {
  key: string;
  vType: string;
  value: unknown;
}

export function normTag(t: ThriftTag, strictUnused = false): NormTag {
  const field = VALUE_FIELD[t.vType];
  if (strictUnused) {
    for (const f of Object.values(VALUE_FIELD)) if (f !== field) expect(t[f] ?? null).toBeNull();
  }
  let value: unknown = t[field];
  if (typeof value === 'number' && Number.isNaN(value)) value = 'NaN';
  return { key: t.key, vType: t.vType, value: plain(value) };
}

/** Normalises a decoded Span (empty optional lists == absent, tags reduced by normTag). */
export function normSpan(s: ThriftSpan, strictUnused = false) {
  return {
    traceIdLow: plain(s.traceIdLow),
    traceIdHigh: plain(s.traceIdHigh),
    spanId: plain(s.spanId),
    parentSpanId: plain(s.parentSpanId),
    operationName: s.operationName,
    references: plain(s.references ?? []),
    flags: s.flags,
    startTime: plain(s.startTime),
    duration: plain(s.duration),
    tags: (s.tags ?? []).map((t) => normTag(t, strictUnused)),
    logs: (s.logs ?? []).map((l) => ({
      timestamp: plain(l.timestamp),
      fields: l.fields.map((t) => normTag(t, strictUnused)),
    })),
  };
}

export function normProcess(p: ThriftProcess, strictUnused = false): { serviceName: string; tags: NormTag[] } {
  return { serviceName: p.serviceName, tags: (p.tags ?? []).map((t) => normTag(t, strictUnused)) };
}

/** A jaeger-client tracer that keeps every finished span in memory. */
export type TracerOptions = Record<string, unknown>;

/** A jaeger-client span context: ids as buffers. */
export interface JaegerSpanContext extends OtSpanContext {
  traceId: Buffer;
  spanId: Buffer;
  parentId: Buffer | null;
  flags: number;
}

/** A jaeger-client span: an OpenTracing span whose internals the encoder reads. */
export interface JaegerSpan extends OtSpan, JaegerSpanLike {
  context(): JaegerSpanContext;
}

/** What the tests use of a jaeger-client tracer. */
export interface JaegerTracer extends OtTracer {
  startSpan(name: string, options?: SpanOptions): JaegerSpan;
  close(callback?: () => void): void;
}

export function memoryTracer(options: TracerOptions = {}): { tracer: JaegerTracer; reporter: { spans: JaegerSpan[] } } {
  const reporter: { spans: JaegerSpan[] } = new InMemoryReporter();
  const tracer = new jaeger.Tracer('encoder-test', reporter, new jaeger.ConstSampler(true), options);
  return { tracer, reporter };
}

/** A jaeger-client tracer reporting to `reporter` (ConstSampler: every span sampled). */
export function tracerWith(reporter: object, service = 'export-test', options: TracerOptions = {}): JaegerTracer {
  return new jaeger.Tracer(service, reporter, new jaeger.ConstSampler(true), options);
}

/** Starts and finishes `n` typical server spans in the current tick. */
export function burst(tracer: OtTracer, n: number, prefix = 'op'): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(`${prefix}-${i % 7}`);
    span.setTag('span.kind', 'server');
    span.setTag('component', 'http');
    span.setTag('http.method', 'GET');
    span.setTag('http.url', `http://localhost:8080/api/items/${i}`);
    span.setTag('http.status_code', 200);
    span.setTag('peer.ipv4', '10.0.0.1');
    span.setTag('seq', i);
    span.finish();
  }
}

export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Receiver {
  port: number;
  spans: ThriftSpan[];
  batches: ThriftBatch[];
  packetSizes: number[];
  errors: Error[];
  close(): Promise<void>;
}

/** A UDP "agent" that decodes every datagram with thriftrw. */
export function startReceiver(port = 0): Promise<Receiver> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const rx: Receiver = {
      port: 0,
      spans: [],
      batches: [],
      packetSizes: [],
      errors: [],
      close: () => new Promise<void>((r) => sock.close(() => r())),
    };
    sock.on('message', (msg) => {
      rx.packetSizes.push(msg.length);
      try {
        const m = decodeEmitBatch(msg);
        rx.batches.push(m.body.batch);
        for (const s of m.body.batch.spans) rx.spans.push(s);
      } catch (err) {
        rx.errors.push(err as Error);
      }
    });
    sock.once('error', reject);
    sock.bind(port, '127.0.0.1', () => {
      sock.setRecvBufferSize(4 * 1024 * 1024);
      rx.port = (sock.address() as AddressInfo).port;
      resolve(rx);
    });
  });
}

/** A port on 127.0.0.1 where nothing listens (bound once, then released). */
export async function freeUdpPort(): Promise<number> {
  const rx = await startReceiver();
  await rx.close();
  return rx.port;
}

export interface Collector {
  url: string;
  requests: Array<{ headers: http.IncomingHttpHeaders; body: Buffer; batch: ThriftBatch | null }>;
  /** Decides the response per request (status) or 'hang' to never answer. */
  respond: (index: number) => number | 'hang';
  close(): Promise<void>;
}

/** An HTTP "collector" decoding each Batch body with thriftrw. */
export function startCollector(respond: Collector['respond'] = () => 202): Promise<Collector> {
  return new Promise((resolve) => {
    const c: Collector = { url: '', requests: [], respond, close: async () => undefined };
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d) => chunks.push(d));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        let batch: ThriftBatch | null;
        try {
          batch = decodeBatch(body);
        } catch {
          batch = null;
        }
        const index = c.requests.length;
        c.requests.push({ headers: req.headers, body, batch });
        const r = c.respond(index);
        if (r === 'hang') return;
        res.statusCode = r;
        res.end();
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      c.url = `http://127.0.0.1:${port}/api/traces`;
      c.close = () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        });
      resolve(c);
    });
  });
}

/** Logger capturing messages. */
export interface CapturedLogger {
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
}

export function captureLogger(): { info: string[]; warn: string[]; error: string[]; logger: CapturedLogger } {
  const info: string[] = [];
  const warn: string[] = [];
  const error: string[] = [];
  const logger: CapturedLogger = {
    info: (m) => void info.push(m),
    warn: (m) => void warn.push(m),
    error: (m) => void error.push(m),
  };
  return { info, warn, error, logger };
}

/** Registers an afterEach that closes everything `track(x)` was given in the test (servers, reporters), newest first. */
export function closeAfterEach(): <T extends { close(): Promise<void> }>(x: T) => T {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    while (open.length) await open.pop()!.close();
  });
  return (x) => {
    open.push(x);
    return x;
  };
}
