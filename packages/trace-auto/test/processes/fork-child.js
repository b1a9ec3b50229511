'use strict';
// A forked child: serves GET /pid on a free port, tells the parent the port, stops when the parent goes.
const http = require('http');

const server = http.createServer((req, res) => res.end(JSON.stringify({ pid: process.pid })));
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => server.close());
