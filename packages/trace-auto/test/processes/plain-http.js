'use strict';
// A plain Node http (or, with TLS_KEY/TLS_CERT files, https) server, no framework: GET /hello answers, /boom answers
// 500, /call calls DOWNSTREAM_URL with fetch and /call-http with http.get.
const fs = require('fs');
const http = require('http');
const https = require('https');
const { listen } = require('./lib');

function callWithHttpGet(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
}

async function handler(req, res) {
  if (req.url === '/boom') {
    res.statusCode = 500;
    return res.end('boom');
  }
  if (req.url === '/call') {
    const answer = await fetch(process.env.DOWNSTREAM_URL);
    return res.end(`downstream said ${await answer.text()}`);
  }
  if (req.url === '/call-http') return res.end(`downstream status ${await callWithHttpGet(process.env.DOWNSTREAM_URL)}`);
  res.end('hello');
}

const tls = process.env.TLS_KEY ? { key: fs.readFileSync(process.env.TLS_KEY), cert: fs.readFileSync(process.env.TLS_CERT) } : undefined;
listen(tls ? https.createServer(tls, handler) : http.createServer(handler));
