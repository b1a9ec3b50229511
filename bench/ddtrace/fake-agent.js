'use strict';
/**
 * A local stand-in for the Datadog agent, for the dd-trace variant of the benchmark: accepts the tracer's trace
 * payloads (PUT/POST /v0.4/traces or /v0.5/traces, msgpack), counts the spans in each and keeps their start times so a
 * round counts only the spans of its own requests, and answers as the agent does (`rate_by_service`). Anything else
 * dd-trace may call (/info, telemetry) gets a 404, which it treats as "feature not available".
 */
const http = require('http');
const { decode } = require('@msgpack/msgpack');

/** Start times (ms) of the spans in one payload. v0.4: [[span map...]...]; v0.5: [strings, [[span array...]...]] with `start` at index 6. */
function spanStartsMs(version, payload) {
  const traces = version === '0.5' ? payload[1] : payload;
  const starts = [];
  for (const trace of traces) {
    for (const span of trace) starts.push(Number(version === '0.5' ? span[6] : span.start) / 1e6);
  }
  return starts;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** @returns {Promise<{port: number, url: string, errors: string[], countSince(startMs: number): number, clear(): void, close(): Promise<void>}>} */
async function startFakeDatadogAgent() {
  let startTimesMs = [];
  const sink = {
    port: 0,
    url: '',
    errors: [],
    countSince: (startMs) => startTimesMs.reduce((n, t) => (t >= startMs ? n + 1 : n), 0),
    clear: () => {
      startTimesMs = [];
    },
  };
  const server = http.createServer(async (req, res) => {
    const match = /^\/v(0\.[45])\/traces/.exec(req.url);
    const body = await readBody(req).catch(() => undefined);
    if (!match || !body) return res.writeHead(404).end();
    try {
      for (const start of spanStartsMs(match[1], decode(body, { useBigInt64: true }))) startTimesMs.push(start);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"rate_by_service":{"service:,env:":1}}');
    } catch (error) {
      sink.errors.push(String(error.message));
      res.writeHead(400).end();
    }
  });
  server.keepAliveTimeout = 30000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = server.address().port;
  sink.url = `http://127.0.0.1:${sink.port}`;
  sink.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return sink;
}

module.exports = { startFakeDatadogAgent, spanStartsMs };
