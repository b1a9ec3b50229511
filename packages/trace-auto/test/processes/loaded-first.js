'use strict';
// Loads express (and OTHER_AGENT, a path, if set) BEFORE @spanwise/trace-auto/register, then builds an app.
const { fromFixture, listen } = require('./lib');

if (process.env.OTHER_AGENT) require(process.env.OTHER_AGENT);
const express = fromFixture('express', 'express4');
require('@spanwise/trace-auto/register');
const app = express();
app.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
listen(require('http').createServer(app));
