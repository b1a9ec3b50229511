'use strict';
// GET /users/:id on Fastify 5, nothing else registered.
const { fromFixture, spanwise, listening, user } = require('./common');

const Fastify = fromFixture('fastify', 'fastify5');

async function main() {
  const app = Fastify({ logger: false });
  const trace = spanwise('trace-fastify');
  if (trace) await app.register(trace.traceMiddleware());
  app.get('/users/:id', async (request) => user(request.params.id));
  await app.listen({ port: 0, host: '127.0.0.1' });
  listening(app.server);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
