#!/usr/bin/env node
/**
 * npm run demo — real services calling each other over HTTP, traced, shown as waterfalls in the terminal.
 *
 * With no Jaeger configured, an embedded receiver of the Jaeger agent protocol (@spanwise/agent) collects the spans,
 * prints each trace, and writes them as Jaeger query-API JSON (.demo-output/traces.json: open it in Jaeger UI with
 * Search > "JSON File"). With JAEGER_AGENT_HOST or JAEGER_ENDPOINT set, the services report there instead.
 */
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { startAgent, renderWaterfall, toJaegerJson } = require('@spanwise/agent');
const { databases, demoServices, demoRequests } = require('./demo-topology');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, '.demo-output');
const external = Boolean(process.env.JAEGER_AGENT_HOST || process.env.JAEGER_ENDPOINT);
const running = [];

function start(service, env) {
  const script = path.join(ROOT, service.app);
  const child = spawn(process.execPath, [script], { cwd: path.dirname(script), env: { ...process.env, PORT: '0', JAEGER_SERVICE_NAME: service.name, JAEGER_REPORTER_FLUSH_INTERVAL: '100', ...service.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${service.name} did not start:\n${out}`)), 20000);
    child.stdout.on('data', () => {
      const match = /LISTENING (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ ...service, url: `http://127.0.0.1:${match[1]}`, child, output: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`${service.name} exited (${code}):\n${out}`)));
  });
}

async function get(url) {
  const response = await fetch(url).catch((error) => ({ status: `failed: ${error.message}` }));
  return response.status;
}

async function main() {
  const agent = external ? undefined : await startAgent({ port: 0 });
  const tracingEnv = agent ? { JAEGER_AGENT_HOST: '127.0.0.1', JAEGER_AGENT_PORT: String(agent.port) } : {};
  console.log(agent ? `Embedded Jaeger agent receiver on udp://127.0.0.1:${agent.port} (no Jaeger needed)` : `Reporting to ${process.env.JAEGER_ENDPOINT || `${process.env.JAEGER_AGENT_HOST}:${process.env.JAEGER_AGENT_PORT || 6832}`}`);

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

  await Promise.all(running.map((child) => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); })));
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
  await agent.close();
}

main().catch((error) => {
  for (const child of running) child.kill('SIGKILL');
  console.error(error.message || error);
  process.exit(1);
});
