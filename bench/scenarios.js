/**
 * Benchmark scenarios: each runs one test-app in several variants. The first variant is the baseline (untraced).
 * Targets are the traced/untraced throughput ratios the issues ask for.
 */
const fs = require('fs');
const path = require('path');
const ROOT = path.resolve(__dirname, '..');
const exists = (relative) => fs.existsSync(path.join(ROOT, relative));

const untraced = { name: 'untraced', env: { TRACING: 'off' } };
const traced = (target, env = {}, name = 'traced (100% sampled)') => ({ name, traced: true, env: { JAEGER_SAMPLER_TYPE: 'const', JAEGER_SAMPLER_PARAM: '1', ...env }, target });
const jaegerReporter = traced(undefined, { SPANWISE_REPORTER: 'jaeger-client' }, 'traced, jaeger-client reporter');
const unsampled = traced(0.98, { JAEGER_SAMPLER_PARAM: '0' }, 'traced, unsampled');
/** The floor under every traced variant: Spanwise loaded with a no-op tracer, so only the per-request AsyncLocalStorage context and the framework hooks run. */
const contextOnly = { name: 'context only (no-op tracer)', env: { JAEGER_DISABLED: 'true' } };
/** For comparison: the same untraced app with the OpenTelemetry SDK preloaded (bench/otel/preload.js), exporting OTLP. */
const openTelemetry = {
  name: 'OpenTelemetry http+express (BatchSpanProcessor, OTLP)',
  otlp: true,
  nodeArgs: ['--require', 'bench/otel/preload.js'],
  env: { TRACING: 'off' },
};
/** Spanwise traced as `traced`, exporting OTLP/HTTP protobuf (to the OTLP sink) instead of Jaeger Thrift over UDP. */
const tracedOtlp = { ...traced(0.95, {}, 'traced, OTLP/HTTP export'), traced: false, otlp: true };
/** The same untraced app traced by @spanwise/trace-auto alone (http server layer, framework adapter, client patches). */
const autoRegister = { ...traced(0.9, { TRACING: 'off' }, 'traced by register (no code change)'), nodeArgs: ['--require', '@spanwise/trace-auto/register'] };

/** MariaDB and Redis for the db scenario: MYSQL_URL/REDIS_URL, or private servers started for the run. */
async function databaseEnv() {
  const { ensureMysql, ensureRedis } = require('../test-support/dist/servers.js');
  const [mysql, redis] = await Promise.all([ensureMysql(), ensureRedis()]);
  return { MYSQL_URL: mysql.url, REDIS_URL: redis.url };
}

module.exports = [
  {
    name: 'express GET /users/:id',
    app: 'test-apps/express-service/index.js',
    path: '/users/42',
    env: { EXPRESS_DIR: path.join(ROOT, 'fixtures/express4') },
    variants: [untraced, jaegerReporter, traced(0.95), tracedOtlp, unsampled, contextOnly, openTelemetry, autoRegister],
    available: () => exists('test-apps/express-service/index.js'),
    unavailableReason: 'test-apps/express-service missing',
  },
  {
    name: 'db GET /users/:id (MariaDB + Redis)',
    app: 'test-apps/db-service/index.js',
    path: '/users/1',
    env: {},
    setup: databaseEnv,
    variants: [untraced, traced(0.9)],
  },
  {
    name: 'koa GET /users/:id',
    app: 'test-apps/koa-service/index.js',
    path: '/users/42',
    env: { KOA_DIR: path.join(ROOT, 'fixtures/koa3') },
    variants: [untraced, jaegerReporter, traced(0.95), unsampled],
    available: () => exists('test-apps/koa-service/index.js'),
    unavailableReason: 'test-apps/koa-service missing',
  },
  {
    name: 'fastify GET /users/:id',
    app: 'test-apps/fastify-service/index.js',
    path: '/users/42',
    env: { FASTIFY_DIR: path.join(ROOT, 'fixtures/fastify5') },
    variants: [untraced, jaegerReporter, traced(0.95), unsampled],
    available: () => exists('test-apps/fastify-service/index.js'),
    unavailableReason: 'test-apps/fastify-service missing',
  },
];
