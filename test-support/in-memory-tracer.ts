import * as http from 'http';
import * as net from 'net';
import { init, resetForTests, setReporterFactory, startServerSpan, type RequestRecord, type SpanwiseOptions } from '@spanwise/trace-core';

/**
 * The one in-memory tracer of the tests: a real jaeger-client tracer (core's init with `options`) whose finished spans
 * are kept in `spans`, for in-process tests of span logic.
 */
export function inMemoryTracer(options: SpanwiseOptions = {}): { spans: any[] } { // eslint-disable-line @typescript-eslint/no-explicit-any -- jaeger-client's spans are untyped
   
  const { InMemoryReporter } = require('jaeger-client');
  const memory = new InMemoryReporter();
  memory.flush = (callback?: () => void) => callback?.();
  resetForTests();
  setReporterFactory(() => memory);
  init({ serviceName: 'unit', flushOnExit: false, logLevel: 'silent', ...options });
  return memory;
}

/** A Node request/response pair (never sent) with its server span started. */
export function tracedRequest(component: string): { req: http.IncomingMessage; res: http.ServerResponse; record: RequestRecord } {
  const req = new http.IncomingMessage(new net.Socket());
  req.method = 'GET';
  req.url = '/unit';
  const res = new http.ServerResponse(req);
  const record = startServerSpan(req, res, component, {})!;
  return { req, res, record };
}

/** Parent span id of a jaeger-client span, hex. */
export const parentOf = (span: any): string | null => span.context().parentId?.toString('hex') ?? null; // eslint-disable-line @typescript-eslint/no-explicit-any -- jaeger-client's spans are untyped
export const idOf = (span: any): string => span.context().spanId.toString('hex'); // eslint-disable-line @typescript-eslint/no-explicit-any -- jaeger-client's spans are untyped
