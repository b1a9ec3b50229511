'use strict';
// instrument() called in code, first thing, with per-library options (no register flag):
// server spans skip /health (http.server.ignore, shared by Express), Express records the x-tenant header.
// GET /_uninstrument removes every patch.
const { instrument, uninstrument, instrumentationStatus } = require('@spanwise/trace-auto');

const statuses = instrument({
  http: { server: { ignore: '/health' } },
  express: { headersAsTags: ['x-tenant'] },
  mysql2: false,
});
console.log(`STATUS ${JSON.stringify(statuses.map((s) => [s.name, s.enabled, s.reason || '']))}`);

const { fromFixture, listen } = require('./lib');
const express = fromFixture('express', 'express4');
const app = express();
app.get('/health', (req, res) => res.send('fine'));
app.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
app.get('/_uninstrument', (req, res) => {
  uninstrument();
  res.json(instrumentationStatus().filter((s) => s.patched.length > 0).map((s) => s.name));
});
listen(require('http').createServer(app));
