/* An OTLP/HTTP collector stand-in that decodes every request with the official opentelemetry-proto definitions
 * (protobufjs code generated from them, shipped by @opentelemetry/otlp-transformer 0.52), independently of our encoder. */
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as zlib from 'zlib';

const root = require('otlp-transformer-0.52/build/src/generated/root');
export const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
export const ExportTraceServiceResponse = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

/** An OTLP `KeyValue` as decoded (one of stringValue/intValue/doubleValue/boolValue/... is set). */
export interface OtlpKeyValue {
  key: string;
  value?: Record<string, unknown>;
}

export interface OtlpEvent {
  name: string;
  timeUnixNano: string;
  attributes: OtlpKeyValue[];
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  attributes: OtlpKeyValue[];
}

/** A decoded OTLP span: ids as hex, 64-bit integers as strings, enums as numbers (repeated fields as arrays). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  flags?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: OtlpEvent[];
  links: OtlpLink[];
  status?: { code?: number; message?: string };
}

export interface OtlpScope {
  name: string;
  version?: string;
}

export interface OtlpResource {
  attributes: OtlpKeyValue[];
}

/** A decoded `ExportTraceServiceRequest`. */
export interface OtlpExportRequest {
  resourceSpans?: Array<{ resource: OtlpResource; scopeSpans?: Array<{ scope: OtlpScope; spans?: OtlpSpan[] }> }>;
}

/** Decodes a protobuf body to a plain object: bytes as hex, 64-bit ints as strings, enums as numbers. */
export function decodeOtlpProto(body: Buffer): OtlpExportRequest {
  const msg = ExportTraceServiceRequest.decode(body);
  const obj = ExportTraceServiceRequest.toObject(msg, { longs: String, enums: Number, bytes: String, defaults: false, arrays: true });
  return hexIds(obj) as OtlpExportRequest;
}

function hexIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(hexIds);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(v)) {
      o[k] = /^(traceId|spanId|parentSpanId)$/.test(k) ? Buffer.from(String(value), 'base64').toString('hex') : hexIds(value);
    }
    return o;
  }
  return v;
}

export interface OtlpRequest {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Decoded request (protobuf: with the official definitions; JSON: JSON.parse), or null if undecodable. */
  decoded: OtlpExportRequest | null;
  error?: string;
}

export type OtlpAnswer = { status: number; headers?: Record<string, string>; body?: Buffer | string } | 'hang';

export interface OtlpCollector {
  url: string;
  requests: OtlpRequest[];
  respond: (index: number, req: OtlpRequest) => OtlpAnswer;
  close(): Promise<void>;
}

/** All spans of all requests, with their resource attributes and scope. */
export function spansOf(c: { requests: OtlpRequest[] }): Array<{ span: OtlpSpan; scope: OtlpScope; resource: OtlpResource }> {
  const out: Array<{ span: OtlpSpan; scope: OtlpScope; resource: OtlpResource }> = [];
  for (const r of c.requests) {
    for (const rs of r.decoded?.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) out.push({ span, scope: ss.scope, resource: rs.resource });
    }
  }
  return out;
}

/** `[{key, value: {stringValue}}]` -> `{key: value}` (protobuf: numbers as strings for intValue). */
export function attrs(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const kv of list ?? []) {
    const v = kv.value ?? {};
    const key = Object.keys(v)[0];
    o[kv.key] = key === undefined ? undefined : v[key];
  }
  return o;
}

export function startOtlpCollector(respond: OtlpCollector['respond'] = () => ({ status: 200 }), port = 0): Promise<OtlpCollector> {
  return new Promise((resolve, reject) => {
    const c: OtlpCollector = { url: '', requests: [], respond, close: async () => undefined };
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d) => chunks.push(d));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        const r: OtlpRequest = { headers: req.headers, body, decoded: null };
        try {
          if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
          r.body = body;
          r.decoded = req.headers['content-type'] === 'application/json' ? (JSON.parse(body.toString('utf8')) as OtlpExportRequest) : decodeOtlpProto(body);
        } catch (err) {
          r.error = (err as Error).message;
        }
        const index = c.requests.length;
        c.requests.push(r);
        const answer = c.respond(index, r);
        if (answer === 'hang') return;
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? '');
      });
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const p = (server.address() as AddressInfo).port;
      c.url = `http://127.0.0.1:${p}/v1/traces`;
      c.close = () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        });
      resolve(c);
    });
  });
}

/** An ExportTraceServiceResponse with a partial success, encoded with the official definitions. */
export function partialSuccessBody(rejected: number, message: string): Buffer {
  return Buffer.from(ExportTraceServiceResponse.encode({ partialSuccess: { rejectedSpans: rejected, errorMessage: message } }).finish());
}
