#!/usr/bin/env node
/**
 * npm run demo — real services calling each other over HTTP, traced, shown as waterfalls in the terminal.
 *
 * With no Jaeger configured, an embedded receiver of the Jaeger agent protocol (@spanwise/agent) collects the spans,
 * prints each trace, and writes them as Jaeger query-API JSON (.demo-output/traces.json: open it in Jaeger UI with
 * Search > "JSON File"). With JAEGER_AGENT_HOST, JAEGER_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT set, the services
 * report there instead.
 *
 * `npm run demo -- --otlp` (or SPANWISE_DEMO_EXPORTER=otlp) has the services export OTLP/HTTP (protobuf;
 * `--otlp-json` for JSON) instead of Jaeger Thrift; the embedded receiver accepts both.
 *
 * `npm run demo -- --ui [--ui-port N]` also serves the trace viewer (default http://127.0.0.1:16688/) and keeps it
 * open after the requests, until Ctrl-C.
 */
const fs = require('fs');
const path = require('path');
const { startAgent, renderWaterfall, toJaegerJson, startViewer, TraceStore, DEFAULT_VIEWER_PORT } = require('@spanwise/agent');
const { databases, demoServices, demoRequests } = require('./demo-topology');
const { spawnListening } = require('../test-support/dist/processes.js');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, '.demo-output');
const external = Boolean(process.env.JAEGER_AGENT_HOST || process.env.JAEGER_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
const demoExporter = process.argv.includes('--otlp-json') ? 'otlp-json' : process.argv.includes('--otlp') ? 'otlp' : process.env.SPANWISE_DEMO_EXPORTER || 'jaeger';
if (!['jaeger', 'otlp', 'otlp-json'].includes(demoExporter)) {
  console.error(`SPANWISE_DEMO_EXPORTER must be jaeger, otlp or otlp-json, got ${JSON.stringify(demoExporter)}`);
  process.exit(2);
}
const running = [];

function parseDemoArgs(argv) {
  const opts = { ui: false, uiPort: DEFAULT_VIEWER_PORT };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s);
    if (name === '--ui') opts.ui = true;
    else if (name === '--otlp' || name === '--otlp-json') continue; // read above, with SPANWISE_DEMO_EXPORTER
    else if (name === '--ui-port') {
      const value = inline ?? argv[++i];
      if (!/^\d+$/.test(value ?? '') || Number(value) > 65535) usage(`--ui-port must be an integer from 0 to 65535, got ${JSON.stringify(value)}`);
      opts.uiPort = Number(value);
    } else usage(`unknown option ${JSON.stringify(argv[i])}`);
  }
  if (opts.ui && external) usage('--ui shows the spans the embedded receiver gets: unset JAEGER_AGENT_HOST, JAEGER_ENDPOINT and OTEL_EXPORTER_OTLP_ENDPOINT to use it');
  return opts;
}

function usage(message) {
  console.error(`demo: ${message}\nUsage: npm run demo [-- [--otlp | --otlp-json] [--ui [--ui-port N]]]`);
  process.exit(2);
}

async function start(service, env) {
  const script = path.join(ROOT, service.app);
  const processEnv = { ...process.env, PORT: '0', JAEGER_SERVICE_NAME: service.name, JAEGER_REPORTER_FLUSH_INTERVAL: '100', ...service.env, ...env };
  const app = await spawnListening(process.execPath, [script], { env: processEnv, cwd: path.dirname(script), timeoutMs: 20000, name: service.name });
  running.push(app);
  return { ...service, url: app.url, child: app.child, output: app.output };
}

async function get(url) {
  const response = await fetch(url).catch((error) => ({ status: `failed: ${error.message}` }));
  return response.status;
}

async function main() {
  console.log(`Spanwise demo on Node ${process.version}`);
  const opts = parseDemoArgs(process.argv.slice(2));
  const store = opts.ui ? new TraceStore() : undefined;
  const agent = external ? undefined : await startAgent({ port: 0, otlpPort: 0, onSpans: store && ((spans) => store.add(spans)) });
  const viewer = store && (await startViewer({ store, port: opts.uiPort }).catch((error) => usage(`cannot serve the viewer on port ${opts.uiPort} (--ui-port): ${error.message}`)));
  if (viewer) console.log(`Trace viewer on ${viewer.url} (local only, no authentication): traces appear there as they arrive`);
  const otlp = demoExporter !== 'jaeger';
  let tracingEnv = {};
  if (agent && otlp) {
    tracingEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${agent.otlpPort}`, OTEL_EXPORTER_OTLP_PROTOCOL: demoExporter === 'otlp-json' ? 'http/json' : 'http/protobuf' };
    console.log(`Embedded receiver accepting OTLP/HTTP (${tracingEnv.OTEL_EXPORTER_OTLP_PROTOCOL}) on ${tracingEnv.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces (no Jaeger needed)`);
  } else if (agent) {
    tracingEnv = { JAEGER_AGENT_HOST: '127.0.0.1', JAEGER_AGENT_PORT: String(agent.port) };
    console.log(`Embedded Jaeger agent receiver on udp://127.0.0.1:${agent.port} (no Jaeger needed; \`npm run demo -- --otlp\` for OTLP)`);
  } else {
    console.log(`Reporting to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.JAEGER_ENDPOINT || `${process.env.JAEGER_AGENT_HOST}:${process.env.JAEGER_AGENT_PORT || 6832}`}`);
  }

  const dbs = await databases();
  if (dbs.unavailable) {
    console.log(`  MariaDB/Redis not reachable, so the database service is left out: ${dbs.unavailable}`);
    console.log('  (set MYSQL_URL and REDIS_URL, or apt-get install mariadb-server redis-server, to see database spans)');
  }
  // Start services downstream-first, so each can be given the URL of the next.
  const started = {};
  for (const service of demoServices(dbs)) {
    const downstream = service.downstream ? { DOWNSTREAM_URL: started[service.downstream].url } : {};
    started[service.name] = await start(service, { ...tracingEnv, ...downstream });
    console.log(`  started ${service.name.padEnd(16)} ${started[service.name].url}  (${service.description})`);
  }

  // Each request is sent once unshown first: a service's first request pays for lazy loading and JIT warm-up,
  // which would inflate its self time. Only traces started after the warm-up are printed.
  for (const request of demoRequests(started)) await get(request.url);
  const shownFrom = Date.now() * 1000;
  console.log('\nRequests (after one unshown warm-up round):');
  for (const request of demoRequests(started)) {
    const status = await get(request.url);
    console.log(`  GET ${request.url.padEnd(48)} -> ${status}   ${request.note}`);
  }

  await Promise.all(running.map((app) => app.stop()));
  if (dbs.stop) await dbs.stop();
  if (!agent) {
    console.log('\nSpans were sent to your Jaeger; open its UI to see the traces.');
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  const traces = agent.traces().filter((trace) => Math.min(...trace.spans.map((span) => span.startTime)) >= shownFrom);
  const width = Math.max(100, Math.min(process.stdout.columns || 100, 160));
  console.log(`\n${traces.reduce((n, trace) => n + trace.spans.length, 0)} spans in ${traces.length} traces. Self = time not covered by child spans (CPU and waiting in that service).\n`);
  for (const trace of traces) console.log(`${renderWaterfall(trace, { width, color: process.stdout.isTTY })}\n`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, 'traces.json');
  fs.writeFileSync(file, JSON.stringify(toJaegerJson(traces), null, 2));
  console.log(`Jaeger JSON written to ${path.relative(process.cwd(), file)} (Jaeger UI: Search > "JSON File").`);
  if (viewer) {
    console.log(`\nThe trace viewer stays open on ${viewer.url} - press Ctrl-C to stop.`);
    await new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await viewer.close();
  }
  await agent.close();
}

main().catch((error) => {
  for (const app of running) void app.stop('SIGKILL');
  console.error(error.message || error);
  process.exit(1);
});
