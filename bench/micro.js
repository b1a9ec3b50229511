#!/usr/bin/env node
'use strict';
/**
 * Micro-benchmark of Spanwise's hot paths alone, in ns of CPU time (process.cpuUsage) per operation: `npm run bench -- --micro [--node 24]
 * [--spanwise-root <checkout>]`. Each case is a few lines over core's API so it is easy to adapt when names change.
 * Sampled spans go through the real exporter to a UDP socket in this process that counts them (printed, so nothing is
 * measured as fast by being dropped). Warm-up, then ROUNDS rounds of OPS operations (yielding to the event loop every
 * BATCH, so the exporter's timers and sends run inside the measured time, and its queue never overflows); the median round is reported.
 * Env: MICRO_OPS (default 50000), MICRO_ROUNDS (default 5).
 */
const dgram = require('dgram');
const { EventEmitter } = require('events');
const path = require('path');

const OPS = Number(process.env.MICRO_OPS || 50000);
const ROUNDS = Number(process.env.MICRO_ROUNDS || 5);
const BATCH = 50; // a server turns the event loop every few requests: the exporter sends between batches, as there
const spanwiseRoot = process.env.BENCH_SPANWISE_ROOT || path.resolve(__dirname, '..');
const core = require(path.join(spanwiseRoot, 'packages/trace-core'));

const socket = { remoteAddress: '::ffff:10.1.2.3', remotePort: 51234 };
const incomingHeaders = { host: 'users.internal:3000', 'user-agent': 'bench', accept: 'application/json' };

/** A request and response as the http server hands them to a middleware: what startServerSpan reads, and 'prefinish'. */
function requestPair() {
  const req = { method: 'GET', url: '/users/42?expand=1', headers: incomingHeaders, socket };
  const res = new EventEmitter();
  res.req = req;
  res.statusCode = 200;
  return { req, res };
}

/** The cases: each `op()` is one operation. `setup()` runs before the rounds (outside the timing). */
const CASES = [
  {
    name: 'baseline: fake req/res pair + prefinish, no Spanwise',
    op() {
      const { res } = requestPair();
      res.emit('prefinish');
    },
  },
  {
    name: 'server span: startServerSpan + setRoute + finish on prefinish (6 tags at start, route + status at end)',
    op() {
      const { req, res } = requestPair();
      core.startServerSpan(req, res, 'bench');
      core.setRoute(req, '/users/:id');
      res.emit('prefinish');
    },
  },
  {
    name: 'client span: startClientSpan (3 tags) + injectHeaders into an outgoing-headers object + finishSpan, under a server span',
    around: withServerSpan,
    op() {
      const span = core.startClientSpan('GET', { tags: { 'span.kind': 'client', 'http.method': 'GET', 'http.url': 'http://orders:8080/orders' } });
      const headers = { accept: 'application/json' };
      core.injectHeaders(span, headers);
      core.finishSpan(span);
    },
  },
  {
    name: 'context hand-off: withSpan(span, fn) reading getActiveSpan() back',
    around: withServerSpan,
    op() {
      if (core.withSpan(this.span, core.getActiveSpan) !== this.span) throw new Error('context lost');
    },
  },
];

/** Runs the measurement inside an active server span (started outside the timing, never finished). */
function withServerSpan(measure) {
  const { req, res } = requestPair();
  const record = core.startServerSpan(req, res, 'bench');
  return core.withSpan(record.span, () => measure({ span: record.span }));
}

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** CPU time of this process (user + system, all its threads: GC included) per operation, in ns: on a shared machine, wall time counts other processes too. */
async function round(testCase, self, ops) {
  const start = process.cpuUsage();
  for (let done = 0; done < ops; done += BATCH) {
    for (let i = 0; i < BATCH; i++) testCase.op.call(self);
    await yieldToLoop();
  }
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / ops;
}

async function measure(testCase) {
  const run = async (self) => {
    await round(testCase, self, Math.max(BATCH, OPS / 4)); // warm-up
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) rounds.push(await round(testCase, self, OPS));
    return rounds.sort((a, b) => a - b);
  };
  return testCase.around ? testCase.around(run) : run({});
}

function startUdpSink() {
  const sink = dgram.createSocket('udp4');
  sink.packets = 0;
  sink.on('message', () => sink.packets++);
  return new Promise((resolve) => sink.bind(0, '127.0.0.1', () => resolve(sink)));
}

async function main() {
  const sink = await startUdpSink();
  console.log(`spanwise micro-benchmark on Node ${process.version} (${process.arch}), Spanwise from ${spanwiseRoot}; ${ROUNDS} rounds of ${OPS} operations after a warm-up, median CPU ns/op (min-max)`);
  const lines = ['| case | sampling | CPU ns / op (median) | min | max |', '|---|---|---:|---:|---:|'];
  for (const sampled of [true, false]) {
    core.init({ serviceName: 'bench-micro', sampler: { type: 'const', param: sampled ? 1 : 0 }, reporter: { agentHost: '127.0.0.1', agentPort: sink.address().port }, flushOnExit: false });
    for (const testCase of CASES) {
      if (!sampled && testCase.name.startsWith('baseline')) continue;
      const rounds = await measure(testCase);
      const line = `| ${testCase.name} | ${testCase.name.startsWith('baseline') ? '—' : sampled ? 'sampled' : 'unsampled'} | ${rounds[rounds.length >> 1].toFixed(0)} | ${rounds[0].toFixed(0)} | ${rounds[rounds.length - 1].toFixed(0)} |`;
      console.log(line);
      lines.push(line);
    }
    await core.flush();
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  console.log(`\n${lines.join('\n')}\n\nUDP packets the exporter sent to the sink: ${sink.packets} (0 would mean sampled spans were not exported)`);
  sink.close();
  await core.shutdown();
}

module.exports = { main };
if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
