'use strict';
/** What a bench result depends on: the machine, its load, the Node binary, and the version of every library measured. */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { hasTaskset } = require('./processes');

const REPO = path.resolve(__dirname, '..');

/** The version of `name` as resolved from `dir` (a fixtures/... directory or a checkout), or '?'. */
function versionOf(name, dir = REPO) {
  try {
    let main = path.dirname(require.resolve(name, { paths: [dir] }));
    while (!fs.existsSync(path.join(main, 'package.json')) || JSON.parse(fs.readFileSync(path.join(main, 'package.json'), 'utf8')).name !== name) {
      if (main === path.dirname(main)) return '?';
      main = path.dirname(main);
    }
    return JSON.parse(fs.readFileSync(path.join(main, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

const fixture = (name) => path.join(REPO, 'fixtures', name);

function loadAverage() {
  return os.loadavg().map((n) => n.toFixed(2)).join(', ');
}

function gitCommit(dir) {
  try {
    return execFileSync('git', ['-C', dir, 'log', '-1', '--format=%h %cd', '--date=short'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown commit';
  }
}

/** One line on the machine. */
function machineLine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const pinning = hasTaskset ? 'app pinned to CPU 1, autocannon and the span sinks to CPU 0 (taskset)' : 'NOT pinned (taskset missing or one CPU): app and load generator share the CPUs';
  return `${os.cpus().length} CPUs (nproc) × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${pinning}; load average at start ${loadAverage()}`;
}

/** The libraries of the minimal suite and the peers, with the versions this run loads. */
function versionsLine({ spanwiseRoot, otelDir }) {
  const list = [
    `express ${versionOf('express', fixture('express4'))} and ${versionOf('express', fixture('express5'))}`,
    `koa ${versionOf('koa', fixture('koa3'))}`,
    `@koa/router ${versionOf('@koa/router', fixture('koa-router14'))}`,
    `fastify ${versionOf('fastify', fixture('fastify5'))}`,
    `mysql2 ${versionOf('mysql2', fixture('mysql2-latest'))}`,
    `ioredis ${versionOf('ioredis', fixture('ioredis5'))}`,
    `jaeger-client ${versionOf('jaeger-client', path.join(spanwiseRoot, 'packages/trace-core'))}`,
    `autocannon ${versionOf('autocannon')}`,
    `@opentelemetry/sdk-node ${otelDir ? versionOf('@opentelemetry/sdk-node', otelDir) : 'not run'} with auto-instrumentations-node ${otelDir ? versionOf('@opentelemetry/auto-instrumentations-node', otelDir) : '-'}`,
    `dd-trace ${versionOf('dd-trace')}`,
  ];
  return `Spanwise from ${spanwiseRoot === REPO ? 'this checkout' : spanwiseRoot} (${gitCommit(spanwiseRoot)}); ${list.join(', ')}`;
}

module.exports = { machineLine, versionsLine, versionOf, loadAverage };
