#!/usr/bin/env node
/**
 * npm run bench — throughput of traced vs untraced services (a script, not a timed test).
 *
 * For each scenario: alternating rounds untraced / traced (100% sampling, spans really sent over UDP to a local
 * receiver that decodes and counts them), autocannon as the load generator. The app is pinned to CPU 1 and the load
 * generator to CPU 0 when `taskset` exists. Reports req/s, p99 and the traced/untraced ratio (median of the pairs),
 * and spans delivered per request, and writes docs/benchmarks.md. The OpenTelemetry variant (bench/otel) exports OTLP/HTTP
 * to a counting sink in this process instead (its spans delivered come from that sink).
 *
 * Options (env): BENCH_DURATION (s per round, default 5), BENCH_PAIRS (default 3), BENCH_CONNECTIONS (default 32),
 * BENCH_ONLY (substring of scenario names), BENCH_NO_WRITE=1 (do not write docs/benchmarks.md); the same as flags
 * (`npm run bench -- --duration 1`), and `--node 24` / SPANWISE_BENCH_NODE to run on another Node (bench/options.js).
 */
require('./options').applyOptions(__filename);
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const autocannon = require('autocannon');
const { startAgent } = require('@spanwise/agent');
const { startOtlpSink } = require('./otel/otlp-sink');
const { writeResultsDoc } = require('./results-doc');
const scenarios = require('./scenarios');

const ROOT = path.resolve(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION || 5);
const PAIRS = Number(process.env.BENCH_PAIRS || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 32);
const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return os.cpus().length > 1;
  } catch {
    return false;
  }
})();

/** Environment of the app for one variant: where its spans go (the Jaeger agent receiver, or the OTLP sink). */
function serviceEnv(scenario, variant, sinks) {
  const env = { ...process.env, PORT: '0', JAEGER_SERVICE_NAME: `bench-${variant.name}`, ...scenario.env, ...variant.env };
  if (variant.traced) Object.assign(env, { JAEGER_AGENT_HOST: '127.0.0.1', JAEGER_AGENT_PORT: String(sinks.agent.port) });
  if (variant.otlp) Object.assign(env, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sinks.otlp.url });
  return env;
}

function startService(scenario, variant, sinks) {
  const env = serviceEnv(scenario, variant, sinks);
  const script = path.join(ROOT, scenario.app);
  const nodeArgs = (variant.nodeArgs ?? []).map((arg) => arg.replace(/^bench\//, `${__dirname}/`));
  const command = hasTaskset ? 'taskset' : process.execPath;
  const args = hasTaskset ? ['-c', '1', process.execPath, ...nodeArgs, script] : [...nodeArgs, script];
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: path.dirname(script) });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${scenario.app} did not start:\n${out}`)), 20000);
    child.stdout.on('data', () => {
      const match = /LISTENING (\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve({ port: Number(match[1]), child, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
    });
    child.once('exit', (code) => reject(new Error(`${scenario.app} exited with ${code}:\n${out}`)));
  });
}

/** CPU seconds (user + system) the process has used, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

function load(url) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: DURATION, pipelining: 1 }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function pinSelf() {
  if (hasTaskset) execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
}

/**
 * Spans delivered for the requests of the measured load: those that started after it began, so spans of the warm-up
 * that were still queued in the app when it ended are not counted.
 */
function spansDelivered(variant, sinks, sinceMs) {
  if (variant.otlp) return sinks.otlp.countSince(sinceMs);
  return sinks.agent.spans.reduce((n, span) => (span.startTime >= sinceMs * 1000 ? n + 1 : n), 0);
}

async function round(scenario, variant, sinks) {
  const service = await startService(scenario, variant, sinks);
  try {
    const url = `http://127.0.0.1:${service.port}${scenario.path}`;
    await load(url.replace(/\d+$/, '1')).catch(() => {}); // warm-up is the first second of JIT; short on purpose
    sinks.agent.clear();
    sinks.otlp.clear();
    const startMs = Date.now();
    const cpuBefore = cpuSeconds(service.child.pid);
    const result = await load(url);
    const cpuAfter = cpuSeconds(service.child.pid);
    await service.stop(); // flushes what is buffered
    await new Promise((r) => setTimeout(r, 300));
    const requests = result.requests.total;
    const cpuPerRequest = cpuBefore === undefined || cpuAfter === undefined ? NaN : ((cpuAfter - cpuBefore) * 1e6) / Math.max(1, requests);
    return { rps: result.requests.average, p99: result.latency.p99, requests, errors: result.errors + result.non2xx, spans: spansDelivered(variant, sinks, startMs), cpuPerRequest };
  } finally {
    service.child.kill('SIGKILL');
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function runScenario(scenario, sinks) {
  const variants = scenario.variants;
  const rows = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let pair = 0; pair < PAIRS; pair++) {
    const order = pair % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const r = await round(scenario, variant, sinks);
      rows[variant.name].push(r);
      process.stdout.write(`  ${scenario.name} | ${variant.name.padEnd(22)} | ${r.rps.toFixed(0).padStart(6)} req/s | p99 ${r.p99} ms | CPU ${r.cpuPerRequest.toFixed(0)} µs/req | spans/req ${(r.spans / Math.max(1, r.requests)).toFixed(2)}\n`);
    }
  }
  const base = rows[variants[0].name];
  return variants.map((variant) => {
    const runs = rows[variant.name];
    const ratios = runs.map((r, i) => r.rps / base[i].rps);
    return {
      scenario: scenario.name,
      variant: variant.name,
      rps: median(runs.map((r) => r.rps)),
      p99: median(runs.map((r) => r.p99)),
      ratio: median(ratios),
      spansPerRequest: median(runs.map((r) => r.spans / Math.max(1, r.requests))),
      cpuPerRequest: median(runs.map((r) => r.cpuPerRequest)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      target: variant.target,
    };
  });
}

function table(results) {
  const lines = ['| scenario | variant | req/s (median) | p99 ms | app CPU µs / request | traced/untraced req/s | spans delivered / request | target |', '|---|---|---:|---:|---:|---:|---:|---|'];
  for (const r of results) {
    const ratio = r.variant === 'untraced' ? '1.00' : r.ratio.toFixed(2);
    const target = r.target ? `≥ ${r.target} ${r.ratio >= r.target ? '✔' : '✘'}` : '';
    lines.push(`| ${r.scenario} | ${r.variant} | ${r.rps.toFixed(0)} | ${r.p99} | ${r.cpuPerRequest.toFixed(0)} | ${ratio} | ${r.spansPerRequest.toFixed(2)} | ${target} |`);
  }
  return lines.join('\n');
}

function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  const versions = ['express', 'jaeger-client', 'autocannon', '@opentelemetry/sdk-node', '@opentelemetry/auto-instrumentations-node'].map((name) => {
    try {
      return `${name} ${JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version}`;
    } catch {
      return `${name} ?`;
    }
  });
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${versions.join(', ')}; app pinned to CPU 1 and load generator to CPU 0: ${hasTaskset ? 'yes' : 'no (taskset missing)'}`;
}

async function main() {
  pinSelf();
  const only = process.env.BENCH_ONLY;
  const selected = scenarios.filter((s) => !only || s.name.includes(only));
  const sinks = { agent: await startAgent({ port: 0 }), otlp: await startOtlpSink() };
  const results = [];
  console.log(`spanwise bench on Node ${process.version}: ${DURATION}s rounds, ${PAIRS} alternating pairs, ${CONNECTIONS} connections\n${machine()}`);
  try {
    for (const scenario of selected) {
      if (scenario.available && !scenario.available()) {
        console.log(`  ${scenario.name}: skipped (${scenario.unavailableReason})`);
        continue;
      }
      if (scenario.setup) Object.assign(scenario.env, await scenario.setup());
      results.push(...(await runScenario(scenario, sinks)));
    }
  } finally {
    await sinks.agent.close();
    await sinks.otlp.close();
    if (sinks.otlp.errors.length) console.error(`OTLP sink refused ${sinks.otlp.errors.length} requests, first: ${sinks.otlp.errors[0]}`);
    await require('../test-support/servers.js').stopServers().catch(() => {});
  }
  const md = table(results);
  console.log(`\n${md}\n`);
  if (process.env.BENCH_NO_WRITE !== '1' && !only) {
    const doc = path.join(ROOT, 'docs', 'benchmarks.md');
    const intro = fs.existsSync(path.join(__dirname, 'benchmarks-intro.md')) ? fs.readFileSync(path.join(__dirname, 'benchmarks-intro.md'), 'utf8') : '# Benchmarks\n';
    writeResultsDoc(doc, intro, `${machine()}\n\n${DURATION}s rounds, ${PAIRS} alternating pairs, ${CONNECTIONS} connections.\n\n${md}`);
    console.log(`written to ${path.relative(process.cwd(), doc)}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
