'use strict';
// GET / answers after calling NEXT (if set) with http.get; prints "LISTENING <port>". Traced by whatever was
// preloaded: Spanwise's register, or otel-preload.js.
const http = require('http');

const next = process.env.NEXT;
const server = http.createServer((req, res) => {
  if (!next) {
    res.end('leaf');
    return;
  }
  http
    .get(next, (down) => {
      let body = '';
      down.on('data', (d) => (body += d));
      down.on('end', () => res.end(`${process.env.NAME} > ${body}`));
    })
    .on('error', (err) => {
      res.statusCode = 502;
      res.end(err.message);
    });
});
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => setTimeout(() => process.exit(0), 10)));
