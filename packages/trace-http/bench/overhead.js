'use strict';
/**
 * Per-call cost of tracing outgoing http.get: N sequential keep-alive GETs to a local server, inside an
 * active span, untraced (MODE=off), traced (MODE=on) and traced but unsampled (MODE=unsampled).
 * Usage: node packages/trace-http/bench/overhead.js   (runs the three modes in child processes)
 */
const { execFileSync } = require('child_process');
const http = require('http');

const N = Number(process.env.N || 4000);

if (!process.env.MODE) {
  for (const mode of ['off', 'on', 'unsampled']) {
    const out = execFileSync(process.execPath, [__filename], { env: { ...process.env, MODE: mode, JAEGER_AGENT_PORT: '9', SPANWISE_LOG_LEVEL: 'silent' } });
    process.stdout.write(out);
  }
  process.exit(0);
}

const core = require('@spanwise/trace-core');
if (process.env.MODE === 'unsampled') core.init({ sampler: { type: 'const', param: 0 } });
if (process.env.MODE !== 'off') require('@spanwise/trace-http').patch();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const server = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${server.address().port}/bench?page=2`;
  const get = () => new Promise((resolve, reject) => http.get(url, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject));
  const root = core.getTracer().startSpan('bench-root');
  await core.withSpan(root, async () => {
    for (let i = 0; i < 500; i++) await get(); // warm-up
    const started = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await get();
    const us = Number(process.hrtime.bigint() - started) / 1000 / N;
    process.stdout.write(`${process.env.MODE.padEnd(10)} ${us.toFixed(1)} µs per request (${N} sequential keep-alive GETs)\n`);
  });
  agent.destroy();
  server.close();
});
