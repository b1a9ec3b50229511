'use strict';
// express-service routes with every traceMiddleware option set (EXPRESS_DIR picks the major).
const { traceMiddleware, getSpan } = require('@spanwise/trace-express');
// An explicit opt-in: this secret-looking header is recorded as sent.
require('@spanwise/trace-core').init({ redaction: { recordSecretHeaders: ['X-Public-Key'] } });
const { buildApp, loadExpress } = require('../../../../test-apps/express-service/app');

const { express, major } = loadExpress(process.env.EXPRESS_DIR);
const app = buildApp({
  express,
  major,
  traceMiddleware,
  getSpan,
  traceOptions: {
    ignore: ['/health', /^\/internal\//, (req) => req.headers['x-skip'] === 'yes'],
    operationName: (req, route) => (req.headers['x-custom-name'] ? `custom ${req.method} ${route}` : ''),
    requestHook: (span, req) => {
      if (req.headers['x-hook-throw']) throw new Error('requestHook exploded');
      span.setTag('hook.request', String(req.headers['x-test'] || 'none'));
    },
    responseHook: (span, req, res) => {
      if (req.headers['x-hook-throw']) throw new Error('responseHook exploded');
      span.setTag('hook.response', res.statusCode);
    },
    headersAsTags: ['X-Tenant', 'authorization', 'Cookie', 'x-absent', 'x-api-key', 'X-Auth-Token', 'x-session-id', 'x-public-key'],
  },
});
app.get('/internal/metrics', (req, res) => res.json({ internal: true }));
const server = app.listen(Number(process.env.PORT || 0), () => console.log(`LISTENING ${server.address().port}`));
