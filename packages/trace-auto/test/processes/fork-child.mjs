// An ESM forked child (preloaded through NODE_OPTIONS=--import): serves GET /pid, stops when the parent goes.
import http from 'node:http';

const server = http.createServer((req, res) => res.end(JSON.stringify({ pid: process.pid, esm: true })));
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => server.close());
