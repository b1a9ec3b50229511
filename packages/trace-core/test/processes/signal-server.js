// A server that makes a span per request. OWN_HANDLER=1 installs the app's own SIGTERM/SIGINT handler.
const http = require('http');
const { getTracer } = require('@spanwise/trace-core');
const server = http.createServer((req, res) => {
  getTracer().startSpan(`request ${req.url}`).finish();
  res.end('ok');
});
if (process.env.OWN_HANDLER === '1') {
  const onSignal = (signal) => {
    console.log(`app handled ${signal}`);
    setTimeout(() => server.close(() => process.exit(7)), 200);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
