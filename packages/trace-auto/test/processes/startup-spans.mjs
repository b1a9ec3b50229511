// The ESM twin of startup-spans.js, for `node --import @spanwise/trace-auto/register`: spans made at startup,
// before any request, with only OpenTracing's global tracer and startActiveSpan.
import http from 'node:http';
import opentracing from 'opentracing';
import { startActiveSpan } from '@spanwise/trace-core';

const helper = http.createServer((req, res) => res.end('warm'));
helper.listen(0, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${helper.address().port}/warm`;
  await startActiveSpan('cache warm-up', async () => (await fetch(url)).text());
  opentracing.globalTracer().startSpan('startup done').finish();
  const server = http.createServer((req, res) => res.end('hello'));
  server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
});
