#!/usr/bin/env node
/*
 * Micro-benchmark: the OTLP/HTTP exporter (protobuf and JSON) next to the Thrift HTTP exporter, on the same finished
 * jaeger-client spans, sent to a local HTTP sink in a child process that decodes and counts every span
 * (the agent's decoders).
 *
 *   npx tsc -b && node bench/otlp-reporter.js [spansPerRun=10000] [runs=5]
 *
 * Per exporter (median of runs): report ns/span (wall time of the report() loop: encode into the packet buffer; noisy on a
 * busy machine), cpu ns/span (process CPU from the first report() until the sink acknowledged every request:
 * encode + framing + HTTP send), heap B/span (JS heap allocated per report(), see allocations.js), bytes/span.
 */
'use strict';
const path = require('path');
const http = require('http');
const { fork } = require('child_process');

const root = path.resolve(__dirname, '..');
if (process.argv[2] === '--sink') return sink();
const N = Number(process.argv[2] || 10000);
const RUNS = Number(process.argv[3] || 5);

const { makeSpans } = require('./finished-spans');
const { allocatedPerSpan, median } = require('./allocations');
const { createReporter, createOtlpReporter } = require(path.join(root, 'packages/trace-core/dist/export'));


function sink() {
  const agent = require(path.join(root, 'packages/agent/dist'));
  let spans = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = require('zlib').gunzipSync(body);
      const type = req.headers['content-type'];
      const decoded = type === 'application/json' ? agent.decodeOtlpJson(body) : type === 'application/x-protobuf' ? agent.decodeOtlpProtobuf(body) : agent.decodeBatch(body);
      spans += decoded.length;
      res.writeHead(200).end();
    });
  });
  process.on('message', (m) => m === 'count' && process.send({ spans }));
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}

async function runOnce(name, make, data) {
  const reporter = make({});
  reporter.setProcess(data.process.serviceName, data.process.tags);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const s of data.spans) reporter.report(s);
  const t1 = process.hrtime.bigint();
  await reporter.flush();
  const cpu = process.cpuUsage(cpu0);
  const st = reporter.stats();
  await reporter.close();
  return { name, reportNs: Number(t1 - t0) / data.spans.length, cpuNs: ((cpu.user + cpu.system) * 1000) / data.spans.length, bytesPerSpan: st.bytes / data.spans.length, sent: st.sent };
}

/** Heap bytes per report() of a warmed-up reporter (spans re-reported; sent between measurements). */
async function heapPerSpan(make, data) {
  const reporter = make({ maxQueueSpans: 1e6, maxQueueBytes: 1 << 30 });
  reporter.setProcess(data.process.serviceName, data.process.tags);
  let next = 0;
  const reportSpans = (n) => {
    for (let i = 0; i < n; i++) reporter.report(data.spans[next++ % data.spans.length]);
  };
  reportSpans(5000);
  await reporter.flush();
  const perSpan = await allocatedPerSpan(reportSpans);
  await reporter.flush();
  await reporter.close();
  return { perSpan, sent: reporter.stats().sent, reported: next };
}

async function main() {
  const child = fork(__filename, ['--sink'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise((r) => child.once('message', r));
  const quiet = { info() {}, warn() {}, error: (m) => console.error(m) };
  const exporters = {
    'thrift-http': (o) => createReporter({ endpoint: `http://127.0.0.1:${port}/api/traces`, logger: quiet, ...o }),
    'otlp-protobuf': (o) => createOtlpReporter({ endpoint: `http://127.0.0.1:${port}/v1/traces`, logger: quiet, ...o }),
    'otlp-json': (o) => createOtlpReporter({ endpoint: `http://127.0.0.1:${port}/v1/traces`, protocol: 'http/json', logger: quiet, ...o }),
    'otlp-protobuf-gzip': (o) => createOtlpReporter({ endpoint: `http://127.0.0.1:${port}/v1/traces`, compression: 'gzip', logger: quiet, ...o }),
  };
  const data = makeSpans(N);
  console.log(`node ${process.version}, ${N} spans per run, median of ${RUNS}`);
  console.log('exporter              report ns/span  cpu ns/span  heap B/span  bytes/span');
  let expected = 0;
  for (const [name, make] of Object.entries(exporters)) {
    const rs = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await runOnce(name, make, data);
      if (r.sent !== N) throw new Error(`${name}: sent ${r.sent} of ${N}`);
      rs.push(r);
    }
    const heap = await heapPerSpan(make, data);
    if (heap.sent !== heap.reported) throw new Error(`${name}: sent ${heap.sent} of ${heap.reported}`);
    expected += N * RUNS + heap.reported;
    const col = (v, w) => v.toFixed(0).padStart(w);
    console.log(`${name.padEnd(22)}${col(median(rs.map((r) => r.reportNs)), 14)}${col(median(rs.map((r) => r.cpuNs)), 13)}${col(heap.perSpan, 13)}${col(rs[0].bytesPerSpan, 12)}`);
  }
  child.send('count');
  const { spans } = await new Promise((r) => child.once('message', r));
  console.log(`sink decoded ${spans} spans (expected ${expected})`);
  child.kill();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
