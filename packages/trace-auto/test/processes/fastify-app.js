'use strict';
// A Fastify app that registers no trace plugin (FASTIFY_FIXTURE: fastify4 | fastify5), routes under a prefix.
// OWN_MIDDLEWARE=1 registers @spanwise/trace-fastify's plugin itself. LISTEN_HOST=localhost makes Fastify listen on
// every address of localhost (one extra server per address).
const { fromFixture } = require('./lib');

const Fastify = fromFixture('fastify', process.env.FASTIFY_FIXTURE || 'fastify5');
const app = Fastify();
if (process.env.OWN_MIDDLEWARE === '1') app.register(require('@spanwise/trace-fastify').traceMiddleware());
app.register(
  async (api) => {
    api.get('/users/:id', async (request) => ({ id: request.params.id }));
  },
  { prefix: '/api' },
);
app.get('/fail', async () => {
  throw new Error('handler failed');
});
app.register(async (hooked) => {
  hooked.addHook('preHandler', async () => {
    throw new Error('hook failed');
  });
  hooked.get('/hook-fail', async () => 'unreachable');
});
app.get('/hijack/:id', (request, reply) => {
  reply.hijack();
  reply.raw.end('raw');
});
app.listen({ port: Number(process.env.PORT || 0), host: process.env.LISTEN_HOST || '127.0.0.1' }).then(() => console.log(`LISTENING ${app.server.address().port}`));
