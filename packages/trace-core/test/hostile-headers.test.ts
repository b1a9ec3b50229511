/**
 * Oversized trace headers sent to real Express, Koa and Fastify services (with the register and with the
 * middleware) must not be amplified into the calls they make: a downstream server with Node's default header
 * limit keeps answering 200, and the trace headers it receives stay a few KB.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { httpGet, ROOT, startApp, stopAllApps } from '../../../test-support';

const TRACE_HEADER = /^(uber-trace-id|uberctx-.*|jaeger-baggage|traceparent|tracestate|baggage|x-b3-.*|b3)$/;
/** What Spanwise may add to an outgoing request whatever arrived: trace ids, 512 of tracestate, 2 x ~2 KB of baggage. */
const MAX_TRACE_HEADER_BYTES = 6 * 1024;

interface Received {
  headers: http.IncomingHttpHeaders;
  traceHeaderBytes: number;
}

function startDownstream(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  // Node's default header limit (16 KB): the limit that answered 431 before the caps.
  const server = http.createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
    let bytes = 0;
    for (const [name, value] of Object.entries(req.headers)) if (TRACE_HEADER.test(name)) bytes += name.length + String(value).length;
    received.push({ headers: req.headers, traceHeaderBytes: bytes });
    res.setHeader('content-type', 'application/json');
    res.end('{"id":"42"}');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
/** 30 valid members of about 400 characters (32 with the short ones): a 12 KB tracestate that follows the grammar. */
const validLongTraceState = Array.from({ length: 30 }, (_, i) => `k${i}${'x'.repeat(190)}=${'v'.repeat(200)}`).join(',');
const validShortTraceState = 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7';
const hugeUberBaggage = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`uberctx-item${i}`, `${i}-${'b'.repeat(500)}`]));
const hugeW3cBaggage = Array.from({ length: 26 }, (_, i) => `w3c${i}=${i}-${'c'.repeat(500)}`).join(',');

const CASES: Array<[string, Record<string, string>]> = [
  ['traceparent + a 13 KB invalid tracestate', { traceparent, tracestate: `rojo=${'x'.repeat(13 * 1024)}` }],
  ['traceparent + a 12 KB valid tracestate', { traceparent, tracestate: `${validShortTraceState},${validLongTraceState}` }],
  ['uber-trace-id + 13 KB of uberctx-* baggage', { 'uber-trace-id': `${TRACE_ID.slice(16)}:00f067aa0ba902b7:0:1`, ...hugeUberBaggage }],
  ['traceparent + a 13 KB W3C baggage header', { traceparent, baggage: hugeW3cBaggage }],
];

const APPS: Array<[string, string, Record<string, string>, string[]]> = [
  ['Express, middleware', 'test-apps/express-service/index.js', {}, []],
  ['Express, register', 'test-apps/express-service/index.js', { TRACING: 'off' }, ['-r', '@spanwise/trace-auto/register']],
  ['Koa, middleware', 'test-apps/koa-service/index.js', {}, []],
  ['Koa, register', 'test-apps/koa-service/index.js', { TRACING: 'off' }, ['-r', '@spanwise/trace-auto/register']],
  ['Fastify, middleware', 'test-apps/fastify-service/index.js', {}, []],
  ['Fastify, register', 'test-apps/fastify-service/index.js', { TRACING: 'off' }, ['-r', '@spanwise/trace-auto/register']],
];

describe('oversized incoming trace headers are not amplified into outgoing calls (real services)', () => {
  let downstream: Awaited<ReturnType<typeof startDownstream>>;
  beforeAll(async () => {
    downstream = await startDownstream();
  });
  afterAll(async () => {
    await stopAllApps();
    await downstream.close();
  });

  it.each(APPS)('%s: the downstream answers 200 and receives small trace headers', async (_name, script, env, nodeArgs) => {
    const app = await startApp(path.join(ROOT, script), { ...env, DOWNSTREAM_URL: downstream.url, JAEGER_AGENT_PORT: '9', JAEGER_REPORTER_FLUSH_INTERVAL: '60000' }, { nodeArgs });
    for (const [label, headers] of CASES) {
      const before = downstream.received.length;
      const response = await httpGet(`${app.url}/fanout`, headers);
      expect({ label, status: response.status }).toEqual({ label, status: 200 });
      expect(downstream.received.length).toBe(before + 1);
      const { headers: sent, traceHeaderBytes } = downstream.received[before];
      expect({ label, traceHeaderBytes: Math.min(traceHeaderBytes, MAX_TRACE_HEADER_BYTES + 1) }).toEqual({ label, traceHeaderBytes: Math.min(traceHeaderBytes, MAX_TRACE_HEADER_BYTES) });
      expect(String(sent.traceparent ?? '')).toMatch(new RegExp(`^00-${label.includes('uber') ? '0{16}' + TRACE_ID.slice(16) : TRACE_ID}-[0-9a-f]{16}-01$`));
      expect(sent['uber-trace-id']).toBeDefined();
      if (label.includes('invalid tracestate')) expect(sent.tracestate).toBeUndefined();
      if (label.includes('valid tracestate') && !label.includes('invalid')) expect(sent.tracestate).toBe(validShortTraceState);
      if (label.includes('uberctx')) {
        const items = Object.keys(sent).filter((name) => name.startsWith('uberctx-'));
        expect(items.length).toBeGreaterThan(0);
        expect(sent['uberctx-item0']).toBe(hugeUberBaggage['uberctx-item0']);
        expect(String(sent.baggage)).toContain(`item0=${encodeURIComponent(hugeUberBaggage['uberctx-item0'])}`);
      }
      if (label.includes('W3C baggage')) {
        expect(sent['uberctx-w3c0']).toBe(`0-${'c'.repeat(500)}`);
        expect(String(sent.baggage)).toMatch(/^w3c0=0-c{500}(,|$)/);
      }
    }
    await app.stop('SIGKILL');
  });
});
