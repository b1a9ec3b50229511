/**
 * OTLP/HTTP export (`POST /v1/traces`, protobuf or JSON): the {@link HttpSender} with OTLP framing, OTLP's
 * retry rule and partial-success reading, and {@link createOtlpReporter} that puts it behind the same
 * bounded, counted {@link SpanwiseReporter} as the Thrift exporter.
 */
import type { Framing, JaegerKeyValue } from './encoder';
import { HttpSender } from './http-sender';
import { OtlpJsonEncoder, OtlpProtoEncoder, otlpJsonFraming, otlpProtoFraming } from './otlp-encoder';
import type { AttributeNaming } from './otlp-mapping';
import { SpanwiseReporter } from './reporter';
import { checkReporterSettings, DEFAULTS, type ReporterConfig } from './reporter-settings';
import { queueOptions } from './create-reporter';
import { ConfigurationError } from '../configuration-error';
import { dateNow } from './clock';
import { reportFault } from '../logger';

export type OtlpProtocol = 'http/protobuf' | 'http/json';
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

/** Configuration of {@link createOtlpReporter}: the queue settings of {@link ReporterConfig} plus OTLP's. */
export interface OtlpReporterConfig
  extends Pick<
    ReporterConfig,
    | 'maxPacketSize'
    | 'flushIntervalMs'
    | 'maxQueueSpans'
    | 'maxQueueBytes'
    | 'maxRetries'
    | 'retryBackoffMs'
    | 'closeTimeoutMs'
    | 'logIntervalMs'
    | 'maxValueLength'
    | 'maxStackLength'
    | 'flushOnExit'
    | 'logger'
  > {
  /** Full traces URL, e.g. `http://collector:4318/v1/traces` (default `http://localhost:4318/v1/traces`). */
  endpoint?: string;
  /** `http/protobuf` (default) or `http/json`. */
  protocol?: OtlpProtocol;
  /** Request headers (auth tokens); never logged. */
  headers?: Record<string, string>;
  /** `gzip` or `none` (default). */
  compression?: 'gzip' | 'none';
  /** Per-attempt timeout (default 10000 ms, as the OTLP exporter specification says). */
  timeoutMs?: number;
  /** Span tag names: `semconv` (default, stable OpenTelemetry names) or `opentracing` (as tagged). */
  attributeNaming?: AttributeNaming;
  /** `service.version` resource attribute. */
  serviceVersion?: string;
  /** More resource attributes (`OTEL_RESOURCE_ATTRIBUTES`). */
  resourceAttributes?: Record<string, string | number | boolean>;
}

export const OTLP_DEFAULTS = { endpoint: 'http://localhost:4318/v1/traces', timeoutMs: 10_000 } as const;

/** OTLP/HTTP: only 429, 502, 503 and 504 are retryable. */
export function isOtlpRetryable(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** POSTs `ExportTraceServiceRequest` bodies to an OTLP/HTTP traces endpoint. */
export class OtlpHttpSender extends HttpSender {
  readonly protocol: OtlpProtocol;

  constructor(config: { endpoint: string; protocol: OtlpProtocol; headers?: Record<string, string>; gzip: boolean; timeoutMs: number; maxRetries: number; retryBackoffMs: number; onNotice?: (m: string) => void }) {
    const json = config.protocol === 'http/json';
    super({
      endpoint: config.endpoint,
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      retryBackoffMs: config.retryBackoffMs,
      contentType: json ? 'application/json' : 'application/x-protobuf',
      headers: config.headers,
      gzip: config.gzip,
      retryableStatus: isOtlpRetryable,
      peerName: 'OTLP endpoint',
      readResponse: json ? readJsonResponse : readProtoResponse,
      onNotice: config.onNotice,
    });
    this.protocol = config.protocol;
  }

  override framing(resource: Buffer): Framing {
    return this.protocol === 'http/json' ? otlpJsonFraming(resource) : otlpProtoFraming(resource);
  }

  override send(parts: Buffer[], length: number, done: (err: Error | null) => void): void {
    if (this.protocol === 'http/json' && parts.length === 3 && parts[1].length > 0) {
      // every JSON entry starts with a comma; the first one of a packet must not
      super.send([parts[0], parts[1].subarray(1), parts[2]], length - 1, done);
    } else {
      super.send(parts, length, done);
    }
  }
}

/** Text of an OTLP response worth reporting: a partial success (2xx) or the error status' message. */
export function readProtoResponse(status: number, body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  if (status >= 200 && status < 300) {
    // ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1 { int64 rejected_spans = 1; string error_message = 2; } }
    const partial = protoFields(body).get(1);
    if (!(partial instanceof Buffer)) return undefined;
    const f = protoFields(partial);
    return describePartial(Number(f.get(1) ?? 0), f.get(2) instanceof Buffer ? (f.get(2) as Buffer).toString('utf8') : '');
  }
  // google.rpc.Status { int32 code = 1; string message = 2; }
  const message = protoFields(body).get(2);
  return message instanceof Buffer ? message.toString('utf8').slice(0, 500) : undefined;
}

export function readJsonResponse(status: number, body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  let parsed: { partialSuccess?: { rejectedSpans?: unknown; errorMessage?: unknown }; message?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return status >= 200 && status < 300 ? undefined : body.toString('utf8').slice(0, 200);
  }
  if (status >= 200 && status < 300) {
    const p = parsed?.partialSuccess;
    if (!p) return undefined;
    return describePartial(Number(p.rejectedSpans ?? 0), typeof p.errorMessage === 'string' ? p.errorMessage : '');
  }
  return typeof parsed?.message === 'string' ? parsed.message.slice(0, 500) : undefined;
}

function describePartial(rejected: number, message: string): string | undefined {
  if (!(rejected > 0) && !message) return undefined;
  return `partial success: ${rejected} span(s) rejected${message ? `: ${message.slice(0, 500)}` : ''}`;
}

/** Top-level fields of a protobuf message: varints as numbers, length-delimited as Buffers (last one wins). */
function protoFields(buf: Buffer): Map<number, number | Buffer> {
  const out = new Map<number, number | Buffer>();
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) out.set(field, varint());
    else if (wire === 2) {
      const len = varint();
      out.set(field, buf.subarray(pos, pos + len));
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else break;
  }
  return out;
}

/**
 * Validates `config` and builds a reporter that exports OTLP/HTTP. Pass it to jaeger-client like
 * {@link createReporter}'s.
 * @throws Error naming the offending setting when the configuration is invalid.
 */
export function createOtlpReporter(config: OtlpReporterConfig = {}): SpanwiseReporter {
  checkReporterSettings({ ...config, endpoint: config.endpoint ?? OTLP_DEFAULTS.endpoint }, undefined, true);
  const url = new URL(config.endpoint ?? OTLP_DEFAULTS.endpoint);
  const protocol = config.protocol ?? 'http/protobuf';
  if (!OTLP_PROTOCOLS.includes(protocol)) throw new ConfigurationError('protocol', OTLP_PROTOCOLS.join(' or '), protocol);
  if (config.compression !== undefined && config.compression !== 'gzip' && config.compression !== 'none') {
    throw new ConfigurationError('compression', 'gzip or none', config.compression);
  }
  const naming = config.attributeNaming ?? 'semconv';
  if (naming !== 'semconv' && naming !== 'opentracing') throw new ConfigurationError('attributeNaming', 'semconv or opentracing', naming);
  const logger = config.logger;
  const json = protocol === 'http/json';
  const resource = { serviceVersion: config.serviceVersion, attributes: config.resourceAttributes };
  const sender = new OtlpHttpSender({
    endpoint: url.toString(),
    protocol,
    headers: config.headers,
    gzip: config.compression === 'gzip',
    timeoutMs: config.timeoutMs ?? OTLP_DEFAULTS.timeoutMs,
    maxRetries: config.maxRetries ?? DEFAULTS.maxRetries,
    retryBackoffMs: config.retryBackoffMs ?? DEFAULTS.retryBackoffMs,
    onNotice: rateLimited((m) => (logger ?? console).warn(`spanwise OTLP exporter: ${m}`), config.logIntervalMs ?? DEFAULTS.logIntervalMs),
  });
  return new SpanwiseReporter(sender, {
    ...queueOptions(config),
    maxPacketSize: config.maxPacketSize ?? DEFAULTS.httpMaxPacketSize,
    encoder: (initialSize) =>
      json ? new OtlpJsonEncoder({ attributeNaming: naming, initialSize }) : new OtlpProtoEncoder({ attributeNaming: naming, initialSize }),
    encodeProcess: (serviceName: string, tags: JaegerKeyValue[]) =>
      (json ? new OtlpJsonEncoder({ initialSize: 16 }) : new OtlpProtoEncoder({ initialSize: 16 })).encodeResource(serviceName, tags, resource),
  });
}

function rateLimited(write: (m: string) => void, intervalMs: number): (m: string) => void {
  let last = -Infinity;
  return (m) => {
    const now = dateNow();
    if (now - last < intervalMs) return;
    last = now;
    try {
      write(m);
    } catch {
      /* a broken logger must not break the app */
    }
  };
}

/** The jaeger-client reporter interface, as far as {@link FanoutReporter} forwards it. */
interface ForwardedReporter {
  report(span: unknown): void;
  setProcess(serviceName: string, tags: JaegerKeyValue[]): void;
  flush(callback?: () => void): unknown;
  close(callback?: () => void): unknown;
  sendPendingNow?(): void;
}

/** Sends every span to several reporters (Jaeger and OTLP at once, `exporter: 'both'`). */
export class FanoutReporter {
  constructor(readonly reporters: readonly ForwardedReporter[]) {}

  name(): string {
    return 'FanoutReporter';
  }

  report(span: unknown): void {
    for (const r of this.reporters) r.report(span);
  }

  setProcess(serviceName: string, tags: JaegerKeyValue[]): void {
    for (const r of this.reporters) r.setProcess(serviceName, tags);
  }

  /** At process exit: each reporter sends what it can synchronously. */
  sendPendingNow(): void {
    for (const r of this.reporters) r.sendPendingNow?.();
  }

  flush(callback?: () => void): Promise<void> {
    const all = Promise.all(this.reporters.map((r) => new Promise<void>((resolve) => r.flush(() => resolve())))).then(() => undefined);
    // a reporter that throws, or a callback that throws, must not become an unhandled rejection
    if (callback) all.then(() => callback()).catch((error: unknown) => reportFault('FanoutReporter.flush', error));
    return all;
  }

  close(callback?: () => void): Promise<void> {
    const all = Promise.all(this.reporters.map((r) => new Promise<void>((resolve) => r.close(() => resolve())))).then(() => undefined);
    // a reporter that throws, or a callback that throws, must not become an unhandled rejection
    if (callback) all.then(() => callback()).catch((error: unknown) => reportFault('FanoutReporter.close', error));
    return all;
  }
}
