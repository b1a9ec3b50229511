'use strict';
// A Fastify app that registers no trace plugin (FASTIFY_FIXTURE: fastify4 | fastify5), routes under a prefix.
// OWN_MIDDLEWARE=1 registers @spanwise/trace-fastify's plugin itself.
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
app.listen({ port: Number(process.env.PORT || 0), host: '127.0.0.1' }).then(() => console.log(`LISTENING ${app.server.address().port}`));
