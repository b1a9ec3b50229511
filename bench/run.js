#!/usr/bin/env node
/**
 * npm run bench — what tracing costs per request (a script, not a timed test). See docs/benchmarks.md for the method.
 *
 * Two suites: the minimal apps (bench/minimal: Express 4 and 5, Koa 3, Fastify 5 and an Express 4 + mysql2 + ioredis
 * endpoint, each answering GET /users/:id with nothing else registered, untraced / context only / unsampled / sampled /
 * register / OpenTelemetry / dd-trace) and the heavier apps (bench/scenarios.js: the test-apps services, with many
 * routes and middlewares). Spans are really sent to receivers in this process that count them. `--micro` runs the
 * micro-benchmark of the hot paths instead (bench/micro.js). Options: bench/options.js (`npm run bench -- --help`).
 */
require('./options').applyOptions(__filename);
const fs = require('fs');
const path = require('path');
const { benchOptions, USAGE } = require('./options');
const { pinSelf } = require('./processes');
const { measureRound, median } = require('./measure');
const { startSinks } = require('./sinks');
const { machineLine, versionsLine, loadAverage } = require('./environment');
const { writeResultsDoc } = require('./results-doc');
const { runMinimalSuite, variants: minimalVariants, otelDir } = require('./minimal/suite');
const { detailTable, overviewTable } = require('./minimal/tables');
const scenarios = require('./scenarios');

const ROOT = path.resolve(__dirname, '..');
const options = benchOptions();

/** Environment of a heavier app for one variant: where its spans go (the Jaeger agent receiver, or the OTLP sink). */
function serviceEnv(scenario, variant, sinks) {
  const env = { ...process.env, PORT: '0', JAEGER_SERVICE_NAME: `bench-${variant.name}`, ...scenario.env, ...variant.env };
  if (variant.traced) Object.assign(env, { JAEGER_AGENT_HOST: '127.0.0.1', JAEGER_AGENT_PORT: String(sinks.agent.port) });
  if (variant.otlp) Object.assign(env, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sinks.otlp.url });
  return env;
}

async function runScenario(scenario, sinks) {
  const chosen = scenario.variants.filter((v, i) => i === 0 || !options.variants || options.variants.some((key) => v.name.includes(key)));
  const rows = Object.fromEntries(chosen.map((v) => [v.name, []]));
  for (let pair = 0; pair < options.pairs; pair++) {
    const order = pair % 2 === 0 ? chosen : [...chosen].reverse();
    for (const variant of order) {
      const script = path.join(ROOT, scenario.app);
      const nodeArgs = (variant.nodeArgs ?? []).map((arg) => arg.replace(/^bench\//, `${__dirname}/`));
      const how = { path: scenario.path, duration: options.duration, warmup: options.warmup, connections: options.connections };
      const r = await measureRound({ script, env: serviceEnv(scenario, variant, sinks), nodeArgs }, how, sinks.sinkOf(variant.otlp ? 'otlp' : variant.traced ? 'jaeger' : undefined));
      rows[variant.name].push(r);
      console.log(`  [heavier] ${scenario.name} | ${variant.name.padEnd(22)} | ${r.rps.toFixed(0).padStart(6)} req/s | p99 ${r.p99} ms | CPU ${r.cpuPerRequest.toFixed(0)} µs/req | spans/req ${(r.spans / Math.max(1, r.requests)).toFixed(2)}`);
    }
  }
  const base = rows[chosen[0].name];
  return chosen.map((variant) => {
    const runs = rows[variant.name];
    return {
      scenario: scenario.name,
      variant: variant.name,
      rps: median(runs.map((r) => r.rps)),
      p99: median(runs.map((r) => r.p99)),
      ratio: median(runs.map((r, i) => r.rps / base[i].rps)),
      spansPerRequest: median(runs.map((r) => r.spans / Math.max(1, r.requests))),
      cpuPerRequest: median(runs.map((r) => r.cpuPerRequest)),
      errors: runs.reduce((n, r) => n + r.errors, 0),
      target: variant.target,
    };
  });
}

function heavierTable(results) {
  const lines = ['| heavier app | variant | req/s (median) | p99 ms | app CPU µs / request | traced/untraced req/s | spans delivered / request | target |', '|---|---|---:|---:|---:|---:|---:|---|'];
  for (const r of results) {
    const ratio = r.variant === 'untraced' ? '1.00' : r.ratio.toFixed(2);
    const target = r.target ? `≥ ${r.target} ${r.ratio >= r.target ? '✔' : '✘'}` : '';
    lines.push(`| ${r.scenario} | ${r.variant} | ${r.rps.toFixed(0)} | ${r.p99} | ${r.cpuPerRequest.toFixed(0)} | ${ratio} | ${r.spansPerRequest.toFixed(2)} | ${target} |`);
  }
  return lines.join('\n');
}

async function runHeavier(sinks) {
  if (options.spanwiseRoot !== ROOT) console.log('  heavier apps: --spanwise-root does not apply (the test-apps load this checkout)');
  const results = [];
  for (const scenario of scenarios.filter((s) => !options.only || s.name.includes(options.only))) {
    if (scenario.available && !scenario.available()) {
      console.log(`  [heavier] ${scenario.name}: skipped (${scenario.unavailableReason})`);
      continue;
    }
    if (scenario.setup) Object.assign(scenario.env, await scenario.setup());
    results.push(...(await runScenario(scenario, sinks)));
  }
  return results;
}

function checkVariants(sinks) {
  const known = minimalVariants({ spanwiseRoot: options.spanwiseRoot, sinks }).map((v) => v.key);
  const unknown = (options.variants ?? []).filter((key) => !known.includes(key));
  if (unknown.length && options.suite !== 'heavier') {
    console.error(`bench: unknown variant ${unknown.join(', ')} (known: ${known.join(', ')})\n${USAGE}`);
    process.exit(2);
  }
}

function writeDoc(kind, body) {
  if (!options.write || options.only || options.variants) return;
  const doc = path.join(ROOT, 'docs', 'benchmarks.md');
  writeResultsDoc(doc, fs.readFileSync(path.join(__dirname, 'benchmarks-intro.md'), 'utf8'), kind, body);
  console.log(`${kind} results written to ${path.relative(process.cwd(), doc)}`);
}

async function main() {
  if (options.micro) return require('./micro').main();
  pinSelf();
  const sinks = await startSinks();
  checkVariants(sinks);
  const date = new Date().toISOString().replace(/:\d\d\.\d+Z$/, ' UTC').replace('T', ' ');
  const settings = `${options.duration} s measured after ${options.warmup} s of warm-up, ${options.connections} connections`;
  const machine = machineLine(); // with the load average at the start
  console.log(`spanwise bench on Node ${process.version}, ${date}\n${machine}`);
  try {
    if (options.suite !== 'heavier') {
      const versions = versionsLine({ spanwiseRoot: options.spanwiseRoot, otelDir: otelDir() });
      console.log(`minimal apps: ${settings}, ${options.rounds} rotating rounds\n${versions}`);
      const results = await runMinimalSuite(options, sinks);
      const failures = results.filter((r) => !r.spansOk || r.errors);
      const tables = `${overviewTable(results)}\n\n${detailTable(results)}`;
      console.log(`\nMinimal apps, Node ${process.version} (load average at end ${loadAverage()}):\n\n${tables}\n`);
      for (const r of failures) console.log(`FAILED: ${r.app} / ${r.variant}: ${r.errors} errors, ${r.spansPerRequest.toFixed(2)} spans per request (expected ${r.expectedSpans ?? 'any'})`);
      if (failures.length) process.exitCode = 1; // a variant that loses spans or fails requests is not measured honestly
      writeDoc('minimal', `### Node ${process.versions.node.split('.')[0]} (${date})\n\n${machine}; load average at end ${loadAverage()}.\n\n${versions}.\n\n${settings}, medians of ${options.rounds} rotating rounds.\n\n${tables}`);
    }
    if (options.suite !== 'minimal') {
      const results = await runHeavier(sinks);
      const table = heavierTable(results);
      console.log(`\nHeavier apps (test-apps services), Node ${process.version}:\n\n${table}\n`);
      writeDoc('heavier', `### Node ${process.versions.node.split('.')[0]} (${date})\n\n${machine}; load average at end ${loadAverage()}.\n\n${settings}, medians of ${options.pairs} alternating pairs.\n\n${table}`);
    }
  } finally {
    await sinks.close();
    await require('../test-support/dist/servers.js').stopServers().catch(() => {});
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
