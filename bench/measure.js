'use strict';
/**
 * One measured round of one app variant: start the app, warm it up, clear the span sinks, load it with autocannon while
 * reading the app's CPU time from /proc, stop it (SIGTERM: tracers flush) and count the spans that arrived.
 */
const autocannon = require('autocannon');
const { startApp, cpuSeconds } = require('./processes');

function load(url, { connections, duration }) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, pipelining: 1 }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {object} app what startApp takes ({script, env, nodeArgs, cwd})
 * @param {object} how {path, duration, warmup, connections, settleMs}: `settleMs` waits before stopping the app, for
 *   tracers that only send on a timer and do not flush on SIGTERM
 * @param {{clear(): void, countSince(startMs: number): number}} sink where the variant's spans arrive
 */
async function measureRound(app, how, sink) {
  const service = await startApp(app);
  try {
    const url = `http://127.0.0.1:${service.port}${how.path}`;
    if (how.warmup > 0) await load(url, { connections: how.connections, duration: how.warmup });
    await sleep(200); // spans of the warm-up still on their way
    sink.clear();
    const startMs = Date.now();
    const cpuBefore = cpuSeconds(service.child.pid);
    const result = await load(url, how);
    const cpuAfter = cpuSeconds(service.child.pid);
    if (how.settleMs) await sleep(how.settleMs);
    await service.stop();
    await sleep(300);
    const requests = result.requests.total;
    const cpuPerRequest = cpuBefore === undefined || cpuAfter === undefined ? NaN : ((cpuAfter - cpuBefore) * 1e6) / Math.max(1, requests);
    return { rps: result.requests.average, p99: result.latency.p99, requests, errors: result.errors + result.non2xx, spans: sink.countSince(startMs), cpuPerRequest };
  } finally {
    service.child.kill('SIGKILL');
  }
}

const median = (values) => {
  const sorted = [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

module.exports = { measureRound, median, load };
