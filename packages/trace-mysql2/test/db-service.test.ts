/**
 * test-apps/db-service end to end: real HTTP, real MariaDB and Redis, a pool smaller than the concurrency.
 * Each request's server span gets exactly its own Redis GET and MySQL SELECT.
 */
import { httpGet, startApp, tracingEnv, useAgent } from '../../../test-support';
import { ensureMysql, ensureRedis, stopServers } from '../../../test-support/servers';

const agent = useAgent();

beforeAll(async () => {
  await Promise.all([ensureMysql(), ensureRedis()]);
}, 90000);

afterAll(async () => {
  await stopServers();
});

it('GET /users/:id: 20 concurrent requests on a pool of 2, each with its own GET and SELECT', async () => {
  const [mysql, redis] = await Promise.all([ensureMysql(), ensureRedis()]);
  const app = await startApp('test-apps/db-service/index.js', { ...tracingEnv(agent, 'db-service'), MYSQL_URL: mysql.url, REDIS_URL: redis.url, POOL_SIZE: '2' });
  const responses = await Promise.all(Array.from({ length: 20 }, () => httpGet(`${app.url}/users/42`)));
  for (const response of responses) expect(JSON.parse(response.body)).toEqual({ id: 42, name: 'Douglas', visits: 1 });
  const spans = await agent.waitForSpans((s) => s.filter((x) => x.operationName === 'GET /users/:id').length === 20 && s.length >= 60, 10000);
  const servers = spans.filter((s) => s.operationName === 'GET /users/:id');
  for (const server of servers) {
    const children = spans.filter((s) => s.traceId === server.traceId && s.parentSpanId === server.spanId);
    expect(children.map((s) => [s.tags.component, s.operationName, s.tags['db.statement']]).sort()).toEqual([
      ['ioredis', 'GET', 'GET user:42:visits'],
      ['mysql2', 'SELECT spanwise_demo_users', 'SELECT id, name FROM spanwise_demo_users WHERE id = ?'],
    ]);
  }
  // Startup (table creation, seeding) ran outside any request: no spans.
  expect(spans.filter((s) => /CREATE|INSERT|SET/.test(s.operationName))).toEqual([]);
  expect(await app.stop()).toEqual({ code: null, signal: 'SIGTERM' }); // Spanwise flushed and re-raised SIGTERM
});
