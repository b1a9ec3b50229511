'use strict';
/** The finished jaeger-client spans both reporter micro-benchmarks export: typical server spans with six tags. */
const path = require('path');

const core = path.resolve(__dirname, '..', 'packages/trace-core');
const jaeger = require(require.resolve('jaeger-client', { paths: [core] }));
const jdir = path.dirname(require.resolve('jaeger-client/package.json', { paths: [core] }));
const InMemoryReporter = require(path.join(jdir, 'dist/src/reporters/in_memory_reporter')).default;

function makeSpans(n) {
  const mem = new InMemoryReporter();
  const tracer = new jaeger.Tracer('bench-svc', mem, new jaeger.ConstSampler(true));
  const parent = tracer.extract('http_headers', { 'uber-trace-id': 'abcdef0123456789:1234567890abcdef:0:1' });
  for (let i = 0; i < n; i++) {
    const s = tracer.startSpan('GET /api/items/:id', { childOf: parent });
    s.setTag('span.kind', 'server');
    s.setTag('component', 'express');
    s.setTag('http.method', 'GET');
    s.setTag('http.url', `http://shop.internal:8080/api/items/${i}?expand=price`);
    s.setTag('http.status_code', 200);
    s.setTag('peer.ipv4', '10.12.0.34');
    s.finish();
  }
  return { spans: mem.spans, process: tracer._process };
}

module.exports = { jdir, makeSpans };
