'use strict';
// Requires MODULE_PATH (a package directory) after register (run with -r), calls its export when CALL_MODULE=1,
// then serves plain http.
const http = require('http');
const { listen } = require('./lib');

const exported = require(process.env.MODULE_PATH);
if (process.env.CALL_MODULE === '1') exported();
listen(http.createServer((req, res) => res.end('ok')));
