'use strict';
// Requires MODULE_PATH (a package directory) after register (run with -r), then serves plain http.
const http = require('http');
const { listen } = require('./lib');

require(process.env.MODULE_PATH);
listen(http.createServer((req, res) => res.end('ok')));
