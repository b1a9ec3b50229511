'use strict';
// A plain Node http server, no framework: GET /hello answers, GET /boom answers 500, /call calls DOWNSTREAM_URL.
// With HTTPS=1, an https server with a self-signed test certificate.
const http = require('http');
const { listen } = require('./lib');

async function handler(req, res) {
  if (req.url === '/boom') {
    res.statusCode = 500;
    return res.end('boom');
  }
  if (req.url === '/call' && process.env.DOWNSTREAM_URL) {
    const answer = await fetch(process.env.DOWNSTREAM_URL);
    return res.end(`downstream said ${await answer.text()}`);
  }
  res.end('hello');
}

listen(http.createServer(handler));
