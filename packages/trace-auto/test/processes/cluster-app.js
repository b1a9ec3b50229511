'use strict';
// node:cluster: the primary forks WORKERS (default 2) workers and serves nothing; each worker runs an Express app
// on the shared port (GET /who answers its pid). The primary prints `LISTENING <port>` once every worker listens,
// `WORKER <pid>` for each, and on SIGTERM stops the workers and exits when they have.
const cluster = require('cluster');

if (cluster.isPrimary) {
  const count = Number(process.env.WORKERS || 2);
  let listening = 0;
  cluster.on('listening', (worker, address) => {
    console.log(`WORKER ${worker.process.pid}`);
    if (++listening === count) console.log(`LISTENING ${address.port}`);
  });
  for (let i = 0; i < count; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers).length === 0) process.exit(0);
    });
  });
} else {
  const { fromFixture } = require('./lib');
  const express = fromFixture('express', 'express4');
  const app = express();
  app.get('/who', (req, res) => res.json({ pid: process.pid }));
  app.listen(Number(process.env.PORT || 0), '127.0.0.1');
}
