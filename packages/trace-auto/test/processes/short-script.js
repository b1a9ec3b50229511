'use strict';
// A short script: serves and calls itself COUNT times inside one root span, closes its server and ends.
// No exit or flush call: it must exit by itself, promptly, with every span delivered.
const http = require('http');
const { getTracer, withSpan } = require('@spanwise/trace-core');

const count = Number(process.env.COUNT || 10);
const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', async () => {
  const root = getTracer().startSpan('batch-job');
  await withSpan(root, async () => {
    for (let i = 0; i < count; i++) await (await fetch(`http://127.0.0.1:${server.address().port}/item/${i}`)).text();
  });
  root.finish();
  server.close();
  server.closeAllConnections();
});
