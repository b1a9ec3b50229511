'use strict';
// An Express app that mounts no trace middleware (EXPRESS_FIXTURE: express4 | express5).
// OWN_MIDDLEWARE=1 mounts @spanwise/trace-express's traceMiddleware() itself, as an app written for it would.
// OWN_HANDLER=1 installs the app's own SIGTERM/SIGINT handler (closes the server, exits with code 7).
// GET /_stats: memory after a GC (run node with --expose-gc) and the span reporter's counters.
const { fromFixture, listen } = require('./lib');

const express = fromFixture('express', process.env.EXPRESS_FIXTURE || 'express4');
const app = express();
if (process.env.OWN_MIDDLEWARE === '1') app.use(require('@spanwise/trace-express').traceMiddleware());
const users = express.Router();
users.get('/:id', (req, res) => res.json({ id: req.params.id }));
app.use('/users', users);
app.get('/fail', () => {
  throw new Error('handler failed');
});
app.get('/slow', (req, res) => setTimeout(() => res.send('slow'), Number(process.env.SLOW_MS || 20)));
app.get('/_stats', (req, res) => {
  if (global.gc) global.gc();
  const reporter = require('@spanwise/trace-core').getTracer()._reporter;
  res.json({ memory: process.memoryUsage(), reporter: reporter && reporter.stats ? reporter.stats() : undefined });
});
const server = listen(require('http').createServer(app));

if (process.env.OWN_HANDLER === '1') {
  const onSignal = (signal) => {
    console.log(`app handled ${signal}`);
    server.close(() => process.exit(7));
    server.closeAllConnections();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
