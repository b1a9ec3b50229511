#!/usr/bin/env node
/*
 * Micro-benchmark: SpanwiseReporter (packages/trace-core/src/export) vs jaeger-client's
 * RemoteReporter + UDPSender on the same finished spans, sent to a local UDP sink that runs in a
 * child process and decodes/counts every span with thriftrw.
 *
 *   npx tsc -b && node bench/reporter.js [spansPerRun=10000] [runs=5]
 *
 * Reported per implementation (median of runs):
 *   report ns/span   time of the report() loop only (ours: encode into the packet buffer)
 *   heap B/span      JS heap bytes allocated per report() (ours: encode, packet cuts), see allocations.js
 *   e2e ns/span      wall time from the first report() until every packet was handed to the socket
 *   cpu ns/span      process CPU (user+sys) over the same interval: encode + framing + send syscalls
 *   received         spans the sink decoded (loss = reported - received)
 * and a sustained closed-loop run (bursts of 5000 spans in one tick, flush, repeat, for 1 s):
 * spans/s the sink decoded, and how many were lost.
 */
'use strict';
const path = require('path');
const { fork } = require('child_process');

const root = path.resolve(__dirname, '..');
const N = Number(process.argv[2] || 10000);
const RUNS = Number(process.argv[3] || 5);

if (process.argv[2] === '--sink') return sink();

const { jdir, makeSpans } = require('./finished-spans');
const { allocatedPerSpan, median } = require('./allocations');
const RemoteReporter = require(path.join(jdir, 'dist/src/reporters/remote_reporter')).default;
const UDPSender = require(path.join(jdir, 'dist/src/reporters/udp_sender')).default;
const { createReporter } = require(path.join(root, 'packages/trace-core/dist/export'));


function startSink() {
  return new Promise((resolve) => {
    const child = fork(__filename, ['--sink'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, port: m.port }));
  });
}

function sinkCount(s) {
  return new Promise((resolve) => {
    s.child.once('message', (m) => resolve(m));
    s.child.send('count');
  });
}

/** Skips one Thrift binary value of `type` at `p`, validating lengths; returns the new offset. */
function skip(b, p, type) {
  switch (type) {
    case 2: case 3: return p + 1; // bool, byte
    case 6: return p + 2; // i16
    case 8: return p + 4; // i32
    case 4: case 10: return p + 8; // double, i64
    case 11: return p + 4 + b.readInt32BE(p); // string/binary
    case 12: // struct
      for (;;) {
        const t = b[p++];
        if (t === 0) return p;
        p = skip(b, p + 2, t);
      }
    case 15: case 14: { // list/set
      const et = b[p];
      const n = b.readInt32BE(p + 1);
      p += 5;
      for (let i = 0; i < n; i++) p = skip(b, p, et);
      return p;
    }
    case 13: { // map
      const kt = b[p], vt = b[p + 1], n = b.readInt32BE(p + 2);
      p += 6;
      for (let i = 0; i < n; i++) p = skip(b, skip(b, p, kt), vt);
      return p;
    }
    default: throw new Error(`bad thrift type ${type} at ${p}`);
  }
}

/** Counts spans in an emitBatch datagram, walking (and so validating) every byte of it. */
function countSpans(m) {
  if (m.readUInt32BE(0) !== 0x80010004) throw new Error('not an emitBatch oneway message');
  let p = 8 + m.readInt32BE(4) + 4; // name, seqid
  if (m[p] !== 12 || m[p + 3] !== 12) throw new Error('unexpected args layout');
  p += 6; // args.batch (struct), batch.process (struct)
  p = skip(m, p, 12); // Process
  if (m[p] !== 15 || m[p + 2] !== 2 || m[p + 3] !== 12) throw new Error('unexpected spans list');
  const n = m.readInt32BE(p + 4);
  p = skip(m, p + 3, 15);
  if (m[p] !== 0 || m[p + 1] !== 0 || p + 2 !== m.length) throw new Error('trailing bytes');
  return n;
}

function sink() {
  const dgram = require('dgram');
  const { Thrift } = require('thriftrw');
  const jd = path.dirname(require.resolve('jaeger-client/package.json', { paths: [path.join(root, 'packages/trace-core')] }));
  const agent = new Thrift({
    entryPoint: path.join(jd, 'dist/src/thriftrw-idl/agent.thrift'),
    allowOptionalArguments: true,
    allowFilesystemAccess: true,
  });
  let spans = 0;
  let packets = 0;
  let errors = 0;
  const sock = dgram.createSocket('udp4');
  sock.on('message', (m) => {
    packets++;
    try {
      const n = countSpans(m);
      // every 64th datagram is also fully decoded with thriftrw + jaeger-client's IDL
      if ((packets & 63) === 1) {
        const r = agent.Agent.emitBatch.argumentsMessageRW.readFrom(m, 0);
        if (r.err || r.value.body.batch.spans.length !== n) throw r.err || new Error('count mismatch');
      }
      spans += n;
    } catch {
      errors++;
    }
  });
  sock.bind(0, '127.0.0.1', () => {
    sock.setRecvBufferSize(4 * 1024 * 1024);
    process.send({ port: sock.address().port });
  });
  process.on('message', (m) => {
    if (m === 'count') {
      process.send({ spans, packets, errors });
      spans = packets = errors = 0;
    } else process.exit(0);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function settle(s, expected) {
  // wait until the sink stops receiving (or has everything)
  let total = { spans: 0, packets: 0, errors: 0 };
  for (let quiet = 0; quiet < 3; ) {
    await sleep(50);
    const c = await sinkCount(s);
    total = { spans: total.spans + c.spans, packets: total.packets + c.packets, errors: total.errors + c.errors };
    if (c.packets === 0) quiet++;
    else quiet = 0;
    if (total.spans >= expected) break;
  }
  return total;
}

async function runOurs(s, data, opts = {}) {
  const reporter = createReporter({
    agentPort: s.port,
    logger: { info() {}, warn() {}, error() {} },
    maxQueueSpans: N,
    maxQueueBytes: 256 * 1024 * 1024,
    ...opts,
  });
  reporter.setProcess(data.process.serviceName, data.process.tags);
  const spans = data.spans;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < spans.length; i++) reporter.report(spans[i]);
  const t1 = process.hrtime.bigint();
  await reporter.flush();
  const t2 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  await reporter.close();
  const got = await settle(s, spans.length);
  return result(spans.length, t0, t1, t2, cpu, got, reporter.stats().dropped);
}

async function runJaeger(s, data) {
  const sender = new UDPSender({ host: '127.0.0.1', port: s.port, logger: { info() {}, error() {} } });
  let sendErrors = 0;
  const reporter = new RemoteReporter(sender, {
    logger: {
      info() {},
      error() {
        sendErrors++;
      },
    },
  });
  reporter.setProcess(data.process.serviceName, data.process.tags);
  const spans = data.spans;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < spans.length; i++) reporter.report(spans[i]);
  const t1 = process.hrtime.bigint();
  await new Promise((r) => reporter.flush(r));
  // UDPSender's sends complete asynchronously; wait for the socket to drain
  await new Promise((r) => setImmediate(r));
  const t2 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => reporter.close(r));
  const got = await settle(s, spans.length);
  return result(spans.length, t0, t1, t2, cpu, got, { errorsLogged: sendErrors });
}

/** Heap bytes per report() of a warmed-up reporter (spans are re-reported; the queue is flushed between rounds). */
async function heapPerSpan(s, data, opts) {
  const reporter = createReporter({ agentPort: s.port, logger: { info() {}, warn() {}, error() {} }, maxQueueSpans: 1e6, maxQueueBytes: 1 << 30, ...opts });
  reporter.setProcess(data.process.serviceName, data.process.tags);
  const spans = data.spans;
  let next = 0;
  const reportSpans = (n) => {
    for (let i = 0; i < n; i++) reporter.report(spans[next++ % spans.length]);
  };
  reportSpans(5000);
  await reporter.flush();
  const perSpan = await allocatedPerSpan(reportSpans);
  await reporter.flush();
  await reporter.close();
  await settle(s, next);
  return perSpan;
}

function result(n, t0, t1, t2, cpu, got, dropped) {
  return {
    reportNs: Number(t1 - t0) / n,
    e2eNs: Number(t2 - t0) / n,
    cpuNs: ((cpu.user + cpu.system) * 1000) / n,
    received: got.spans,
    packets: got.packets,
    decodeErrors: got.errors,
    dropped,
  };
}

async function sustained(s, data, kind, ms) {
  // closed loop for `ms` milliseconds: finish a burst of 5000 spans in one tick, wait until it was
  // handed to the socket (flush), repeat; then count what the sink decoded.
  let reporter;
  let flush;
  let close;
  if (kind === 'ours') {
    reporter = createReporter({ agentPort: s.port, logger: { info() {}, warn() {}, error() {} } });
    reporter.setProcess(data.process.serviceName, data.process.tags);
    flush = () => reporter.flush();
    close = () => reporter.close();
  } else {
    const sender = new UDPSender({ host: '127.0.0.1', port: s.port });
    reporter = new RemoteReporter(sender, { logger: { info() {}, error() {} } });
    reporter.setProcess(data.process.serviceName, data.process.tags);
    flush = () => new Promise((r) => reporter.flush(r));
    close = () => new Promise((r) => reporter.close(r));
  }
  const spans = data.spans;
  let reported = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    for (let i = 0; i < 5000; i++) reporter.report(spans[(reported + i) % spans.length]);
    reported += 5000;
    await flush();
  }
  const elapsed = (Date.now() - t0) / 1000;
  await close();
  const got = await settle(s, reported);
  return { reported, received: got.spans, perSec: got.spans / elapsed, lost: reported - got.spans };
}

async function main() {
  const s = await startSink();
  const data = makeSpans(N);
  const { encodeSpan } = require(path.join(root, 'packages/trace-core/dist/export'));
  const compact = encodeSpan(data.spans[0]).length;
  const compat = encodeSpan(data.spans[0], { jaegerCompatible: true }).length;
  console.log(
    `node ${process.version}, ${N} spans/run in one tick, ${RUNS} runs (+1 warm-up), medians; ` +
      `typical span = ${compact} bytes compact, ${compat} bytes jaeger-compatible`,
  );
  const rows = {};
  const variants = [
    ['spanwise (compact)', () => runOurs(s, data), () => heapPerSpan(s, data, {})],
    ['spanwise (jaegerCompatible)', () => runOurs(s, data, { jaegerCompatible: true }), () => heapPerSpan(s, data, { jaegerCompatible: true })],
    ['jaeger-client RemoteReporter+UDPSender', () => runJaeger(s, data), null],
  ];
  for (const [name, fn, heap] of variants) {
    await fn(); // warm-up
    const rs = [];
    for (let i = 0; i < RUNS; i++) rs.push(await fn());
    rows[name] = {
      'report ns/span': median(rs.map((r) => r.reportNs)).toFixed(0),
      'e2e ns/span': median(rs.map((r) => r.e2eNs)).toFixed(0),
      'cpu ns/span': median(rs.map((r) => r.cpuNs)).toFixed(0),
      'heap B/span': heap ? (await heap()).toFixed(0) : '-',
      'received/run': `${Math.min(...rs.map((r) => r.received))}/${N}`,
      packets: rs[0].packets,
      'decode errors': rs.reduce((a, r) => a + r.decodeErrors, 0),
    };
  }
  console.table(rows);
  const sus = {};
  for (const kind of ['ours', 'jaeger']) {
    const r = await sustained(s, data, kind, 1000);
    sus[kind === 'ours' ? 'spanwise' : 'jaeger-client'] = {
      'spans/s delivered': Math.round(r.perSec),
      reported: r.reported,
      received: r.received,
      lost: r.lost,
    };
  }
  console.log('sustained 1 s closed loop: 5000 spans finished in one tick, flush, repeat:');
  console.table(sus);
  s.child.send('exit');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
