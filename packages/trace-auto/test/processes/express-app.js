'use strict';
// An Express app that never mounts a trace middleware (EXPRESS_FIXTURE: express4 | express5).
// OWN_MIDDLEWARE=1 mounts @spanwise/trace-express's traceMiddleware() itself, as an app written for it would.
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
listen(require('http').createServer(app));
