'use strict';
// GET /users/:id on Express (EXPRESS_FIXTURE: express4 or express5), nothing else registered.
const { fromFixture, spanwise, listening, user } = require('./common');

const express = fromFixture('express', process.env.EXPRESS_FIXTURE || 'express4');
const app = express();
const trace = spanwise('trace-express');
if (trace) app.use(trace.traceMiddleware());
app.get('/users/:id', (req, res) => res.json(user(req.params.id)));
const server = app.listen(0, '127.0.0.1', () => listening(server));
