'use strict';
// An app traced only by its framework's middleware/plugin or a patch() (no register, no init()): ENTRY picks which.
// It must fail at that call on a bad JAEGER_* variable, before listening.
const http = require('http');
const { listen } = require('./lib');

const entries = {
  express: () => require('express')().use(require('@spanwise/trace-express').traceMiddleware()),
  koa: () => require('@spanwise/trace-koa').traceMiddleware(),
  fastify: () => require('@spanwise/trace-fastify').traceMiddleware(),
  http: () => require('@spanwise/trace-http').patch(),
  mysql2: () => require('@spanwise/trace-mysql2').patch(),
};
entries[process.env.ENTRY]();
listen(http.createServer((req, res) => res.end('ok')));
