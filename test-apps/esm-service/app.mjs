/**
 * esm-service: an ESM app with no tracing code; run it with `node --import @spanwise/trace-auto/register app.mjs`.
 * Env: PORT (0: free port), FRAMEWORK (express, the default | koa | fastify | http), ES_URL (an Elasticsearch, or
 * the local stand-in), MYSQL_URL / REDIS_URL (optional: /db and /cache answer 501 without them), DOWNSTREAM_URL
 * (optional, for /fanout). Routes: /users/:id, /search, /db, /cache, /fanout. Prints `LISTENING <port>`.
 */
import http from 'node:http';
import { Client } from '@elastic/elasticsearch';

const es = new Client({ node: process.env.ES_URL ?? 'http://127.0.0.1:9200' });
const mysql = process.env.MYSQL_URL ? (await import('mysql2/promise')).default.createPool(process.env.MYSQL_URL) : undefined;
const redis = process.env.REDIS_URL ? new (await import('ioredis')).default(process.env.REDIS_URL) : undefined;

const handlers = {
  async user(params) {
    return { id: params.id };
  },
  async search() {
    const result = await es.search({ index: 'products', query: { match: { name: 'phone' } } });
    return { hits: result.hits.total };
  },
  async db() {
    if (!mysql) return { status: 501 };
    const [rows] = await mysql.query('SELECT 1 + 1 AS two');
    return { two: rows[0].two };
  },
  async cache() {
    if (!redis) return { status: 501 };
    await redis.set('esm-service:key', 'value');
    return { value: await redis.get('esm-service:key') };
  },
  async fanout() {
    const answer = await fetch(process.env.DOWNSTREAM_URL);
    return { downstream: answer.status };
  },
};

async function expressServer() {
  const { default: express } = await import('express');
  const app = express();
  app.get('/users/:id', (req, res, next) => handlers.user(req.params).then((body) => res.json(body), next));
  for (const name of ['search', 'db', 'cache', 'fanout']) app.get(`/${name}`, (req, res, next) => handlers[name]().then((body) => res.status(body.status ?? 200).json(body), next));
  return http.createServer(app);
}

async function koaServer() {
  const { default: Koa } = await import('koa');
  const { default: Router } = await import('@koa/router');
  const app = new Koa();
  const router = new Router();
  router.get('/users/:id', async (ctx) => {
    ctx.body = await handlers.user(ctx.params);
  });
  for (const name of ['search', 'db', 'cache', 'fanout']) router.get(`/${name}`, async (ctx) => {
    const body = await handlers[name]();
    ctx.status = body.status ?? 200;
    ctx.body = body;
  });
  app.use(router.routes());
  return http.createServer(app.callback());
}

async function fastifyServer() {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  app.get('/users/:id', (request) => handlers.user(request.params));
  for (const name of ['search', 'db', 'cache', 'fanout']) app.get(`/${name}`, async (request, reply) => {
    const body = await handlers[name]();
    return reply.code(body.status ?? 200).send(body);
  });
  await app.ready();
  return app.server;
}

function plainServer() {
  return http.createServer((req, res) => {
    const user = /^\/users\/([^/]+)$/.exec(req.url);
    const handler = user ? () => handlers.user({ id: user[1] }) : handlers[req.url.slice(1)];
    if (!handler) {
      res.statusCode = 404;
      return res.end();
    }
    handler().then((body) => {
      res.statusCode = body.status ?? 200;
      res.end(JSON.stringify(body));
    });
  });
}

const servers = { express: expressServer, koa: koaServer, fastify: fastifyServer, http: plainServer };
const server = await servers[process.env.FRAMEWORK ?? 'express']();
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
