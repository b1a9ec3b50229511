'use strict';
// GET /call: calls DOWNSTREAM_URL with fetch. GET /busy: answers, then keeps its event loop busy for BUSY_MS (work
// after the response, or a loaded machine): its server span must still end when the response was finished.
const http = require('http');
const { listen } = require('./lib');

const busyMs = Number(process.env.BUSY_MS || 30);

listen(
  http.createServer(async (req, res) => {
    if (req.url === '/call') return res.end(await (await fetch(process.env.DOWNSTREAM_URL)).text());
    res.end('done');
    const until = performance.now() + busyMs;
    while (performance.now() < until);
  }),
);
