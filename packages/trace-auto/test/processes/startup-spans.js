'use strict';
// A server that makes spans at startup, before any request: "Your own spans" of docs/getting-started.md, around a
// fetch to a helper server. MIDDLEWARE=1: traced by trace-http's patch() and Express's traceMiddleware() (no
// register); otherwise run it under the register.
if (process.env.MIDDLEWARE === '1') require('@spanwise/trace-http').patch();
const http = require('http');
const express = require('express');
const { globalTracer } = require('opentracing');
const { getActiveSpan, withSpan } = require('@spanwise/trace-core');
const { listen } = require('./lib');

async function warmUp(url) {
  const span = globalTracer().startSpan('price calculation', { childOf: getActiveSpan() });
  await withSpan(span, async () => (await fetch(url)).text());
  span.finish();
}

const app = express();
if (process.env.MIDDLEWARE === '1') app.use(require('@spanwise/trace-express').traceMiddleware());
app.get('/hello', (req, res) => res.send('hello'));

const helper = http.createServer((req, res) => res.end('warm')).listen(0, '127.0.0.1', async () => {
  await warmUp(`http://127.0.0.1:${helper.address().port}/warm`);
  listen(http.createServer(app));
});
