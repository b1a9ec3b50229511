'use strict';
/**
 * The minimal-app suite: each app answers GET /users/:id with a small JSON and has nothing else registered, so the
 * tracer's cost per request is not diluted by a heavier app. Every app runs in every variant, in rotating rounds
 * (round r starts at variant r), and each figure is the median of the rounds; "added" and "ratio" pair each round with
 * the untraced round of the same round.
 */
const fs = require('fs');
const path = require('path');
const { measureRound, median } = require('../measure');

const REPO = path.resolve(__dirname, '../..');

/** The apps. `spans`: spans Spanwise makes per request when sampled (the server span, plus one per query). */
const APPS = [
  { name: 'express4', label: 'Express 4', script: 'express.js', env: { EXPRESS_FIXTURE: 'express4' }, spans: 1 },
  { name: 'express5', label: 'Express 5', script: 'express.js', env: { EXPRESS_FIXTURE: 'express5' }, spans: 1 },
  { name: 'koa3', label: 'Koa 3 + @koa/router', script: 'koa.js', env: {}, spans: 1 },
  { name: 'fastify5', label: 'Fastify 5', script: 'fastify.js', env: {}, spans: 1 },
  { name: 'db', label: 'Express 4 + 1 mysql2 pool query + 1 ioredis GET', script: 'db.js', env: {}, spans: 3, databases: true },
];

/** Whether the newest OpenTelemetry SDK (fixtures/otel-latest, Node >= 22.15) can run here. */
function otelDir() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const latest = path.join(REPO, 'fixtures/otel-latest');
  const installed = fs.existsSync(path.join(latest, 'node_modules/@opentelemetry/sdk-node'));
  return major > 22 || (major === 22 && minor >= 15) ? (installed ? latest : undefined) : REPO;
}

const sampler = (param) => ({ JAEGER_SAMPLER_TYPE: 'const', JAEGER_SAMPLER_PARAM: String(param) });

/**
 * The variants, in order (untraced first: the baseline). `sink` says where its spans arrive; `expectSpans(app)` is the
 * spans per request it must deliver (undefined: whatever the tracer makes).
 */
function variants({ spanwiseRoot, sinks }) {
  const jaegerEnv = { JAEGER_AGENT_HOST: '127.0.0.1', JAEGER_AGENT_PORT: String(sinks.agent.port), JAEGER_SERVICE_NAME: 'bench-minimal' };
  return [
    { key: 'untraced', label: 'untraced', env: {} },
    { key: 'context', label: 'context only (no-op tracer)', env: { SPANWISE: 'middleware', SPANWISE_NOOP_TRACER: '1' } },
    { key: 'unsampled', label: 'unsampled', env: { SPANWISE: 'middleware', ...sampler(0), ...jaegerEnv }, sink: 'jaeger', expectSpans: () => 0 },
    { key: 'sampled', label: 'sampled + exported', env: { SPANWISE: 'middleware', ...sampler(1), ...jaegerEnv }, sink: 'jaeger', expectSpans: (app) => app.spans },
    {
      key: 'register',
      label: 'register (-r, sampled)',
      env: { ...sampler(1), ...jaegerEnv },
      nodeArgs: ['-r', path.join(spanwiseRoot, 'packages/trace-auto/register.js')],
      sink: 'jaeger',
      expectSpans: (app) => app.spans,
    },
    {
      key: 'otel',
      label: 'OpenTelemetry',
      env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sinks.otlp.url, BENCH_OTEL_DIR: otelDir() ?? REPO, OTEL_SERVICE_NAME: 'bench-minimal' },
      nodeArgs: ['-r', path.join(__dirname, '../otel/preload.js')],
      sink: 'otlp',
      available: () => otelDir() !== undefined || 'fixtures/otel-latest is not installed (npm install)',
    },
    {
      key: 'ddtrace',
      label: 'dd-trace',
      env: ddTraceEnv(sinks.datadog.url),
      nodeArgs: ['-r', require.resolve('dd-trace/init', { paths: [REPO] })],
      sink: 'datadog',
      settleMs: 2500, // dd-trace sends every 2 s (DD_TRACE_FLUSH_INTERVAL) and does not flush on SIGTERM
    },
  ];
}

/** dd-trace at 100% sampling sending to the fake agent, with its other products (telemetry, remote config, AppSec, profiling...) off. */
function ddTraceEnv(agentUrl) {
  return {
    DD_TRACE_AGENT_URL: agentUrl,
    DD_SERVICE: 'bench-minimal',
    DD_TRACE_SAMPLE_RATE: '1',
    DD_TRACE_STARTUP_LOGS: 'false',
    DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
    DD_REMOTE_CONFIGURATION_ENABLED: 'false',
    DD_RUNTIME_METRICS_ENABLED: 'false',
    DD_TRACE_STATS_COMPUTATION_ENABLED: 'false',
    DD_APPSEC_ENABLED: 'false',
    DD_IAST_ENABLED: 'false',
    DD_PROFILING_ENABLED: 'false',
    DD_DATA_STREAMS_ENABLED: 'false',
    DD_CRASHTRACKING_ENABLED: 'false',
  };
}

/** The environment of an app process: the harness's, without any tracing settings of the shell, plus the app's and the variant's. */
function appEnv(app, variant, options, databaseEnv) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(JAEGER_|SPANWISE|OTEL_|DD_|NODE_OPTIONS$)/.test(name)));
  return { ...env, ...app.env, ...(app.databases ? databaseEnv : {}), ...variant.env, SPANWISE_ROOT: options.spanwiseRoot };
}

async function databaseEnv() {
  const { ensureMysql, ensureRedis } = require('../../test-support/dist/servers.js');
  const [mysql, redis] = await Promise.all([ensureMysql(), ensureRedis()]);
  return { MYSQL_URL: mysql.url, REDIS_URL: redis.url };
}

/**
 * Runs the suite; returns one result per app and variant.
 * @param {{duration: number, warmup: number, rounds: number, connections: number, only?: string, variants?: string[], spanwiseRoot: string}} options
 */
async function runMinimalSuite(options, sinks, log = console.log) {
  const all = variants({ spanwiseRoot: options.spanwiseRoot, sinks });
  const chosen = all.filter((v) => v.key === 'untraced' || !options.variants || options.variants.includes(v.key));
  const runnable = chosen.filter((v) => {
    const available = v.available ? v.available() : true;
    if (available !== true) log(`  ${v.label}: skipped (${available})`);
    return available === true;
  });
  const apps = APPS.filter((app) => !options.only || app.name.includes(options.only) || app.label.toLowerCase().includes(options.only.toLowerCase()));
  const dbEnv = apps.some((app) => app.databases) ? await databaseEnv() : {};
  const results = [];
  for (const app of apps) results.push(...(await runApp(app, runnable, options, sinks, dbEnv, log)));
  return results;
}

async function runApp(app, appVariants, options, sinks, dbEnv, log) {
  const rows = new Map(appVariants.map((v) => [v.key, []]));
  for (let round = 0; round < options.rounds; round++) {
    const order = appVariants.map((_, i) => appVariants[(i + round) % appVariants.length]);
    for (const variant of order) {
      const run = { script: path.join(__dirname, app.script), env: appEnv(app, variant, options, dbEnv), nodeArgs: variant.nodeArgs };
      const how = { path: '/users/42', duration: options.duration, warmup: options.warmup, connections: options.connections, settleMs: variant.settleMs };
      const r = await measureRound(run, how, sinks.sinkOf(variant.sink));
      rows.get(variant.key)[round] = r;
      log(`  ${app.label} | ${variant.label.padEnd(27)} | round ${round + 1} | ${r.rps.toFixed(0).padStart(6)} req/s | p99 ${r.p99} ms | CPU ${r.cpuPerRequest.toFixed(1)} µs/req | spans/req ${(r.spans / Math.max(1, r.requests)).toFixed(2)}${r.errors ? ` | ${r.errors} errors` : ''}`);
    }
  }
  return appVariants.map((variant) => summarise(app, variant, rows.get(variant.key), rows.get('untraced')));
}

function summarise(app, variant, runs, base) {
  const spansPerRequest = median(runs.map((r) => r.spans / Math.max(1, r.requests)));
  const expected = variant.expectSpans ? variant.expectSpans(app) : undefined;
  return {
    app: app.label,
    variant: variant.label,
    key: variant.key,
    rps: median(runs.map((r) => r.rps)),
    p99: median(runs.map((r) => r.p99)),
    cpuPerRequest: median(runs.map((r) => r.cpuPerRequest)),
    addedCpu: median(runs.map((r, i) => r.cpuPerRequest - base[i].cpuPerRequest)),
    ratio: median(runs.map((r, i) => r.rps / base[i].rps)),
    spansPerRequest,
    expectedSpans: expected,
    // a span short per 100 requests is a lost span; slightly more comes from requests in flight when the run ended
    spansOk: expected === undefined || (expected === 0 ? spansPerRequest === 0 : spansPerRequest >= expected * 0.99),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  };
}

module.exports = { runMinimalSuite, APPS, variants, otelDir };
