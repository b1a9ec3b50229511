'use strict';
/**
 * A local OTLP/HTTP traces receiver for the benchmark: accepts JSON or protobuf export requests (POST /v1/traces, optionally
 * gzip-compressed), counts the spans in each (resourceSpans[].scopeSpans[].spans[]) before answering 200, and keeps
 * the start time of each so a round counts only the spans of its own requests.
 */
const http = require('http');
const zlib = require('zlib');
const { decodeOtlpProtobuf } = require('@spanwise/agent');

/** Spans in one ExportTraceServiceRequest (OTLP JSON). */
function spansIn(request) {
  const spans = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) spans.push(...(scopeSpans.spans ?? []));
  }
  return spans;
}

/** OTLP JSON times are nanoseconds since the epoch, as a decimal string (or a number): milliseconds, truncated. */
function nanosToMillis(nanos) {
  return typeof nanos === 'string' ? Number(nanos.slice(0, -6)) : Math.floor(Number(nanos) / 1e6);
}

/** Reads the body, inflating it when gzip-encoded. */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve(req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body);
    });
  });
}

/**
 * @returns {Promise<{port: number, url: string, requests: number, errors: string[], countSince(startMs: number): number,
 *   clear(): void, close(): Promise<void>}>}
 */
async function startOtlpSink() {
  let startTimesMs = [];
  const sink = {
    port: 0,
    url: '',
    requests: 0,
    errors: [],
    /** Spans received that started at or after `startMs` (epoch ms). */
    countSince: (startMs) => startTimesMs.reduce((n, t) => (t >= startMs ? n + 1 : n), 0),
    clear: () => {
      startTimesMs = [];
    },
  };
  const server = http.createServer(async (req, res) => {
    try {
      if (req.method !== 'POST' || !req.url.startsWith('/v1/traces')) throw new Error(`unexpected ${req.method} ${req.url}`);
      const type = String(req.headers['content-type']);
      const body = await readBody(req);
      if (type.includes('json')) {
        for (const span of spansIn(JSON.parse(body.toString('utf8')))) startTimesMs.push(nanosToMillis(span.startTimeUnixNano));
      } else if (type.includes('protobuf')) {
        // Spanwise's OTLP exporter sends protobuf by default: decoded with the agent's decoder (start times in µs)
        for (const span of decodeOtlpProtobuf(body)) startTimesMs.push(Math.floor(span.startTime / 1000));
      } else {
        throw new Error(`not OTLP JSON or protobuf: ${type}`);
      }
      sink.requests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } catch (error) {
      sink.errors.push(String(error.message));
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: error.message }));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = server.address().port;
  sink.url = `http://127.0.0.1:${sink.port}/v1/traces`;
  sink.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  server.keepAliveTimeout = 30000;
  return sink;
}

module.exports = { startOtlpSink, spansIn };
