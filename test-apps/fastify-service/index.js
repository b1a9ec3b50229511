'use strict';
// Fastify test service. FASTIFY_DIR picks the fixture (fastify 4 or 5); TRACING=off runs it untraced.
const path = require('path');
const { traceOptionsFromEnv, sleep, randomDelay, callDownstream, patchHttpClient } = require('../../test-support/app-common');

const tracing = process.env.TRACING !== 'off';
if (tracing) patchHttpClient();
const fixture = process.env.FASTIFY_DIR || path.join(__dirname, '../../fixtures/fastify5');
const Fastify = require(require.resolve('fastify', { paths: [fixture] }));

async function main() {
  const app = Fastify({ logger: false });
  if (tracing) {
    const { traceMiddleware } = require('@spanwise/trace-fastify');
    await app.register(traceMiddleware({ ...traceOptionsFromEnv(), hookSpans: process.env.HOOK_SPANS === '1' }));
  }

  // Lifecycle hooks of the app itself: one async, one callback style (traced with HOOK_SPANS=1).
  app.addHook('onRequest', async function authenticate(request) {
    if (!request.url.startsWith('/work/')) return;
    await sleep(0);
    request.hookSawSpan = tracing && require('@spanwise/trace-core').getActiveSpan() !== undefined;
  });
  app.addHook('preHandler', function loadUser(request, reply, done) {
    if (request.url.startsWith('/work/')) setTimeout(done, 5);
    else done();
  });

  app.get('/users/:id', async (request) => ({ id: request.params.id, name: 'Ada' }));
  app.get('/health', async () => 'ok');
  app.get('/fanout', async () => {
    await randomDelay();
    const downstream = await callDownstream(process.env.DOWNSTREAM_PATH || '/users/42');
    return { service: 'fastify', downstream: downstream.status, body: downstream.body };
  });
  app.get('/work/:n', async (request) => workUnit(request, request.params.n));
  // A route hook that continues from a shared queue's timer, outside the request's context (as pooled clients do).
  app.get('/pooled/:n', { onRequest: pooledLookup }, async (request) => workUnit(request, request.params.n));
  app.post('/echo/:n', async (request) => ({ ...(await workUnit(request, request.params.n)), echo: request.body }));
  app.get('/error', () => {
    throw new Error('sync boom');
  });
  app.get('/async-error', async () => {
    await sleep(5);
    throw new Error('async boom');
  });
  app.get('/reply-error', (request, reply) => {
    reply.send(new Error('reply boom'));
  });
  app.get('/client-error', async () => {
    const error = new Error('bad input');
    error.statusCode = 400;
    throw error;
  });
  app.get('/status500', async (request, reply) => {
    reply.code(500);
    return { failed: true };
  });
  app.get('/slow', async () => {
    await sleep(Number(process.env.SLOW_MS || 2000));
    return 'slow';
  });

  // APP_SPAN_DECORATOR=1: the app decorates `span` itself, after the trace plugin (Fastify refuses a second decorator).
  if (process.env.APP_SPAN_DECORATOR === '1') app.decorateRequest('span', null);
  // What the app sees of its request: the keys must be the same traced or not.
  app.get('/request-keys', async (request) => {
    const { getSpan } = require('@spanwise/trace-fastify');
    if (process.env.APP_SPAN_DECORATOR === '1') request.span = 'mine';
    return { keys: Object.keys(request).sort(), span: typeof request.span === 'string' ? request.span : request.span != null, getSpan: getSpan(request) !== undefined };
  });

  // Routes in encapsulated child plugins with prefixes: /api/mid/:id, /api/v2/items/:item.
  app.register(
    async (api) => {
      api.get('/mid/:id', async (request) => ({ mid: request.params.id }));
      api.register(async (v2) => v2.get('/items/:item', async (request) => ({ item: request.params.item })), { prefix: '/v2' });
    },
    { prefix: '/api' },
  );
  // A child plugin's own hook that fails: /hooked/fail answers 500 from the hook, the handler never runs.
  app.register(
    async (hooked) => {
      hooked.addHook('preHandler', async function failingCheck(request) {
        if (request.url.startsWith('/hooked/fail')) throw new Error('hook boom');
      });
      hooked.get('/fail', async () => 'unreachable');
    },
    { prefix: '/hooked' },
  );
  // Own error and not-found handlers: /handled/boom answers 503, /handled/* unknown answers 404.
  app.register(
    async (handled) => {
      handled.setErrorHandler((error, request, reply) => {
        reply.code(503).send({ handled: error.message });
      });
      handled.setNotFoundHandler((request, reply) => {
        reply.code(404).send({ custom: 'not found' });
      });
      handled.get('/boom', async () => {
        throw new Error('handled boom');
      });
    },
    { prefix: '/handled' },
  );

  const address = await app.listen({ port: Number(process.env.PORT || 0), host: '127.0.0.1' });
  console.log(`LISTENING ${new URL(address).port}`);
}

const queue = [];
setInterval(() => {
  while (queue.length > 0) queue.shift()();
}, 2).unref();
function pooledLookup(request, reply, done) {
  queue.push(done);
}

async function workUnit(request, n) {
  await randomDelay();
  const { getActiveSpan } = require('@spanwise/trace-core');
  const opentracing = require('opentracing');
  const parent = getActiveSpan();
  const span = opentracing.globalTracer().startSpan('work', { childOf: parent });
  span.setTag('work.n', n);
  await randomDelay();
  span.finish();
  const { getSpan } = require('@spanwise/trace-fastify');
  return { n, active: parent !== undefined, hookSawSpan: request.hookSawSpan, requestSpan: Boolean(request.span) && getSpan(request) === request.span };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
