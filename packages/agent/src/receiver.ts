import * as dgram from 'dgram';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as zlib from 'zlib';
import { decodeAgentPacket, decodeBatch } from './decode';
import { decodeOtlpJson, decodeOtlpProtobuf } from './otlp';
import { groupTraces } from './traces';
import type { DecodedSpan, Trace } from './types';

export interface AgentOptions {
  /** Interface to bind (UDP and HTTP). Default '127.0.0.1'. */
  host?: string;
  /** UDP port for Agent.emitBatch; 0 picks a free port. Default 6832 (jaeger-client's default). */
  port?: number;
  /** Also accept jaeger-client HTTPSender POSTs (Thrift Batch) on http://host:collectorPort/api/traces; 0 = free port. */
  collectorPort?: number;
  /** Also accept OTLP/HTTP traces (protobuf or JSON, gzip or not) on http://host:otlpPort/v1/traces; 0 = free port (usual: 4318). */
  otlpPort?: number;
  /** Called with the spans of every decoded packet/POST, after they are added to `spans`. */
  onSpans?: (spans: DecodedSpan[]) => void;
  /** Keep received spans in `spans` (default true). False when `onSpans` hands them to a bounded store. */
  keepSpans?: boolean;
}

export interface AgentReceiver {
  /** UDP port actually bound. */
  readonly port: number;
  /** HTTP port actually bound, if the collector endpoint is enabled. */
  readonly collectorPort?: number;
  /** OTLP/HTTP port actually bound, if enabled. */
  readonly otlpPort?: number;
  /** Everything received so far (UDP and HTTP), in arrival order. */
  readonly spans: DecodedSpan[];
  /** UDP packets received. */
  readonly packets: number;
  /** Undecodable UDP packets and rejected HTTP POST bodies. */
  readonly errors: number;
  /** Message of the last decoding error, for diagnostics. */
  readonly lastError?: string;
  /**
   * Resolves (with a copy of `spans`) once at least `n` spans arrived, or once the predicate returns true
   * for all spans received so far. Rejects after `timeoutMs` (default 5000) with a message listing what
   * did arrive, or when the receiver is closed.
   */
  waitForSpans(predicate: number | ((spans: DecodedSpan[]) => boolean), timeoutMs?: number): Promise<DecodedSpan[]>;
  /** Spans grouped by traceId, each trace's spans sorted by start. */
  traces(): Trace[];
  /** Forgets received spans (counters are kept). */
  clear(): void;
  /** Closes the sockets; pending waitForSpans calls reject. Idempotent. */
  close(): Promise<void>;
}

interface Waiter {
  test: (spans: DecodedSpan[]) => boolean;
  resolve: (spans: DecodedSpan[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export function describeSpans(spans: readonly DecodedSpan[], max = 20): string {
  if (spans.length === 0) return '(none)';
  const lines = spans.slice(0, max).map((s) => `  ${s.serviceName}: ${s.operationName} [trace ${s.traceId} span ${s.spanId} parent ${s.parentSpanId}]`);
  if (spans.length > max) lines.push(`  ... and ${spans.length - max} more`);
  return '\n' + lines.join('\n');
}

/** Starts a local Jaeger agent (UDP) and optionally a collector endpoint (HTTP) that decode and keep spans. */
export async function startAgent(options: AgentOptions = {}): Promise<AgentReceiver> {
  const host = options.host ?? '127.0.0.1';
  const spans: DecodedSpan[] = [];
  const waiters = new Set<Waiter>();
  let packets = 0;
  let errors = 0;
  let lastError: string | undefined;
  let closed = false;

  const check = (): void => {
    for (const w of waiters) {
      let ok: boolean;
      try {
        ok = w.test(spans);
      } catch (e) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(e as Error);
        continue;
      }
      if (ok) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(spans.slice());
      }
    }
  };

  const accept = (decoded: DecodedSpan[]): void => {
    if (options.keepSpans !== false) spans.push(...decoded);
    if (options.onSpans && decoded.length) {
      try {
        options.onSpans(decoded);
      } catch (e) {
        lastError = `onSpans threw: ${(e as Error).message}`;
      }
    }
    check();
  };

  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg) => {
    packets++;
    let decoded: DecodedSpan[];
    try {
      decoded = decodeAgentPacket(msg);
    } catch (e) {
      errors++;
      lastError = (e as Error).message;
      check();
      return;
    }
    accept(decoded);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(options.port ?? 6832, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    udp.close();
    throw e;
  }
  udp.on('error', (e) => {
    lastError = `UDP socket error: ${e.message}`;
  });
  const port = (udp.address() as AddressInfo).port;

  let server: http.Server | undefined;
  let collectorPort: number | undefined;
  if (options.collectorPort !== undefined) {
    server = http.createServer((req, res) => {
      const url = (req.url ?? '').split('?')[0];
      if (req.method !== 'POST' || url !== '/api/traces') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('spanwise-agent: POST Thrift batches to /api/traces\n');
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let decoded: DecodedSpan[];
        try {
          decoded = decodeBatch(Buffer.concat(chunks));
        } catch (e) {
          errors++;
          lastError = (e as Error).message;
          res.writeHead(400, { 'content-type': 'text/plain' }).end(`cannot decode Thrift Batch: ${lastError}\n`);
          check();
          return;
        }
        res.writeHead(202).end();
        accept(decoded);
      });
    });
    const srv = server;
    try {
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(options.collectorPort, host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      udp.close();
      throw e;
    }
    collectorPort = (server.address() as AddressInfo).port;
  }

  let otlpServer: http.Server | undefined;
  let otlpPort: number | undefined;
  if (options.otlpPort !== undefined) {
    otlpServer = http.createServer((req, res) => {
      const url = (req.url ?? '').split('?')[0];
      if (req.method !== 'POST' || url !== '/v1/traces') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('spanwise-agent: POST OTLP traces to /v1/traces\n');
        req.resume();
        return;
      }
      const json = (req.headers['content-type'] ?? '').startsWith('application/json');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let decoded: DecodedSpan[];
        try {
          let body = Buffer.concat(chunks);
          if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
          decoded = json ? decodeOtlpJson(body) : decodeOtlpProtobuf(body);
        } catch (e) {
          errors++;
          lastError = (e as Error).message;
          const message = `cannot decode OTLP request: ${lastError}`;
          res.writeHead(400, { 'content-type': json ? 'application/json' : 'text/plain' }).end(json ? JSON.stringify({ code: 3, message }) : message);
          check();
          return;
        }
        // an empty ExportTraceServiceResponse: everything accepted
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
        accept(decoded);
      });
    });
    const srv = otlpServer;
    try {
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(options.otlpPort, host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      udp.close();
      server?.close();
      throw e;
    }
    otlpPort = (otlpServer.address() as AddressInfo).port;
  }

  const receiver: AgentReceiver = {
    port,
    collectorPort,
    otlpPort,
    get spans() {
      return spans;
    },
    get packets() {
      return packets;
    },
    get errors() {
      return errors;
    },
    get lastError() {
      return lastError;
    },
    waitForSpans(predicate, timeoutMs = 5000) {
      const want = typeof predicate === 'number' ? `${predicate} span(s)` : 'spans matching the predicate';
      const test = typeof predicate === 'number' ? (s: DecodedSpan[]) => s.length >= predicate : predicate;
      return new Promise<DecodedSpan[]>((resolve, reject) => {
        if (closed) {
          reject(new Error('waitForSpans: the agent receiver is closed'));
          return;
        }
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `waitForSpans: timed out after ${timeoutMs} ms waiting for ${want}; ` +
                `received ${spans.length} span(s) in ${packets} UDP packet(s) on port ${port}` +
                (collectorPort !== undefined ? ` and HTTP port ${collectorPort}` : '') +
                (otlpPort !== undefined ? ` and OTLP port ${otlpPort}` : '') +
                `, ${errors} undecodable${lastError ? ` (last error: ${lastError})` : ''}. Spans: ${describeSpans(spans)}`,
            ),
          );
        }, timeoutMs);
        const waiter: Waiter = { test, resolve, reject, timer };
        waiters.add(waiter);
        check();
      });
    },
    traces() {
      return groupTraces(spans);
    },
    clear() {
      spans.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error(`waitForSpans: the agent receiver was closed; received ${spans.length} span(s): ${describeSpans(spans)}`));
      }
      waiters.clear();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        server
          ? new Promise<void>((resolve) => {
              server!.close(() => resolve());
              server!.closeAllConnections();
            })
          : undefined,
        otlpServer
          ? new Promise<void>((resolve) => {
              otlpServer!.close(() => resolve());
              otlpServer!.closeAllConnections();
            })
          : undefined,
      ]);
    },
  };
  return receiver;
}
