// A server whose own SIGTERM handler exits at once (process.exit, no delay): the spans still pending go out at exit.
const http = require('http');
const { getTracer } = require('@spanwise/trace-core');
const server = http.createServer((req, res) => {
  getTracer().startSpan(`request ${req.url}`).finish();
  res.end('ok');
});
process.on('SIGTERM', () => process.exit(3));
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
