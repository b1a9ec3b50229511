'use strict';
// child_process.fork: forks CHILDREN (default 2) copies of fork-child.js (fork-child.mjs with CHILD_ESM=1), each
// serving on a free port with service name `<JAEGER_SERVICE_NAME>-child`; GET /fanout calls every child with fetch.
// Prints `LISTENING <port>` once the children are ready. The children stop when this process goes.
const { fork } = require('child_process');
const http = require('http');
const path = require('path');
const { listen } = require('./lib');

const childScript = path.join(__dirname, process.env.CHILD_ESM === '1' ? 'fork-child.mjs' : 'fork-child.js');
const childEnv = { ...process.env, JAEGER_SERVICE_NAME: `${process.env.JAEGER_SERVICE_NAME}-child` };
const children = [];
for (let i = 0; i < Number(process.env.CHILDREN || 2); i++) {
  const child = fork(childScript, { env: childEnv });
  children.push(new Promise((resolve) => child.once('message', (message) => resolve({ child, port: message.port }))));
}

Promise.all(children).then((ready) => {
  const server = http.createServer(async (req, res) => {
    const pids = [];
    for (const { port } of ready) pids.push((await (await fetch(`http://127.0.0.1:${port}/pid`)).json()).pid);
    res.end(JSON.stringify({ parent: process.pid, children: pids }));
  });
  listen(server);
});
