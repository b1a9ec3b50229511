import * as path from 'path';
import { childrenOf, httpGet, ROOT, startApp, tracingEnv, useAgent, type DecodedSpan } from '../../../test-support';
import { spansUntilMarkerRequest } from '../../../test-support/server-spans';
import { startStandIn, type StandIn } from '../../../test-support/elasticsearch-stand-in';
import { ensureMysql, ensureRedis, stopServers, type DatabaseServer } from '../../../test-support/servers';
import { clientSpans, script, serverSpans } from './helpers';

/**
 * An ESM app (test-apps/esm-service: `import` statements only, no tracing code) run with the one flag
 * `node --import @spanwise/trace-auto/register app.mjs`: frameworks, the Elasticsearch 9 ESM client, mysql2,
 * ioredis and fetch are traced, against a real MariaDB, a real Redis and an Elasticsearch stand-in.
 */
const ESM_SERVICE = path.join(ROOT, 'test-apps', 'esm-service', 'app.mjs');
const esmFlag = { nodeArgs: ['--import', '@spanwise/trace-auto/register'] };

describe('ESM apps: node --import @spanwise/trace-auto/register app.mjs', () => {
  const agent = useAgent({ scope: 'test' });
  let es: StandIn;
  let mysql: DatabaseServer;
  let redis: DatabaseServer;

  beforeAll(async () => {
    [es, mysql, redis] = await Promise.all([startStandIn(), ensureMysql(), ensureRedis()]);
  });
  afterAll(async () => {
    await es?.close();
    await stopServers();
  });

  function env(framework: string, extra: Record<string, string> = {}): Record<string, string> {
    return tracingEnv(agent, `esm-${framework}`, { FRAMEWORK: framework, ES_URL: es.url, MYSQL_URL: mysql.url, REDIS_URL: redis.url, ...extra });
  }

  async function requestAndCollect(url: string, expectedSpans: number): Promise<{ server: DecodedSpan; children: DecodedSpan[] }> {
    agent.clear();
    expect((await httpGet(url)).status).toBe(200);
    await agent.waitForSpans(expectedSpans, 5000);
    const spans = await spansUntilMarkerRequest(agent, new URL(url).origin);
    const servers = serverSpans(spans);
    expect(servers).toHaveLength(1);
    return { server: servers[0], children: childrenOf(spans, servers[0]) };
  }

  it('Express 5 imported from ESM: route-named server span; ES 9 (its ESM copy), mysql2, ioredis and fetch spans are its children', async () => {
    const downstream = await startApp(script('plain-http.js'), tracingEnv(agent, 'downstream'), { nodeArgs: ['-r', '@spanwise/trace-auto/register'] });
    const app = await startApp(ESM_SERVICE, env('express', { DOWNSTREAM_URL: `${downstream.url}/hello` }), esmFlag);

    const user = await requestAndCollect(`${app.url}/users/42`, 1);
    expect(user.server).toMatchObject({ operationName: 'GET /users/:id' });
    expect(user.server.tags.component).toBe('express');

    const search = await requestAndCollect(`${app.url}/search`, 2);
    expect(search.server.operationName).toBe('GET /search');
    expect(search.children.map((s) => s.operationName)).toEqual(['elasticsearch.search']);
    expect(search.children[0].tags).toMatchObject({ 'span.kind': 'client', 'db.type': 'elasticsearch', 'db.instance': 'products' });

    const db = await requestAndCollect(`${app.url}/db`, 2);
    expect(db.server.operationName).toBe('GET /db');
    expect(db.children).toHaveLength(1);
    expect(db.children[0].tags).toMatchObject({ 'span.kind': 'client', 'db.type': 'sql', 'db.statement': 'SELECT ? + ? AS two' });

    const cache = await requestAndCollect(`${app.url}/cache`, 3);
    expect(cache.server.operationName).toBe('GET /cache');
    expect(cache.children.map((s) => s.tags['db.type'])).toEqual(['redis', 'redis']);

    agent.clear();
    expect((await httpGet(`${app.url}/fanout`)).body).toBe('{"downstream":200}');
    await agent.waitForSpans(3, 5000);
    const [front] = serverSpans(agent.spans).filter((s) => s.serviceName === 'esm-express');
    const [client] = clientSpans(childrenOf(agent.spans, front));
    expect(client.tags.component).toBe('fetch');
    expect(serverSpans(agent.spans).find((s) => s.serviceName === 'downstream')).toMatchObject({ parentSpanId: client.spanId, traceId: front.traceId });
  });

  it.each([
    ['koa', 'koa'],
    ['fastify', 'fastify'],
  ])('%s imported from ESM: its one server span is named by route, with the client spans under it', async (framework, component) => {
    const app = await startApp(ESM_SERVICE, env(framework), esmFlag);
    const user = await requestAndCollect(`${app.url}/users/42`, 1);
    expect(user.server).toMatchObject({ operationName: 'GET /users/:id' });
    expect(user.server.tags.component).toBe(component);
    const search = await requestAndCollect(`${app.url}/search`, 2);
    expect(search.server.operationName).toBe('GET /search');
    expect(search.children.map((s) => s.operationName)).toEqual(['elasticsearch.search']);
    const cache = await requestAndCollect(`${app.url}/cache`, 3);
    expect(cache.children.map((s) => s.tags['db.type'])).toEqual(['redis', 'redis']);
    const db = await requestAndCollect(`${app.url}/db`, 2);
    expect(db.children.map((s) => s.tags['db.type'])).toEqual(['sql']);
  });

  it('a plain ESM http server: one server span named by method, with the client spans under it', async () => {
    const app = await startApp(ESM_SERVICE, env('http'), esmFlag);
    const search = await requestAndCollect(`${app.url}/search`, 2);
    expect(search.server).toMatchObject({ operationName: 'GET' });
    expect(search.server.tags.component).toBe('http');
    expect(search.children.map((s) => s.operationName)).toEqual(['elasticsearch.search']);
  });

  it('SPANWISE_LOG_LEVEL=debug names the ESM copy patched', async () => {
    const app = await startApp(ESM_SERVICE, env('express', { SPANWISE_LOG_LEVEL: 'debug' }), esmFlag);
    await requestAndCollect(`${app.url}/search`, 2);
    expect(app.output()).toMatch(/auto-instrumentation elasticsearch: patched @elastic\/transport@9\.\d+\.\d+ \(ESM\)/);
    expect(app.output()).toMatch(/auto-instrumentation express: patched express@5\.\d+\.\d+/);
    expect(app.output()).toMatch(/auto-instrumentation ioredis: patched ioredis@5\.\d+\.\d+/);
    expect(app.output()).toMatch(/auto-instrumentation mysql2: patched mysql2@3\.\d+\.\d+/);
    expect(app.output()).toContain('auto-instrumentation koa: enabled, not loaded by the app (yet)');
  });
});
