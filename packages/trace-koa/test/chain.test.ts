/**
 * One trace across three real processes: Koa → Fastify → Express, the hops made with Node's http client
 * traced by @spanwise/trace-http. Each hop's server span is the child of the caller's client span.
 */
import * as path from 'path';
import { httpGet, ROOT, startApp, tracingEnv, useAgent, type DecodedSpan, type RunningApp } from '../../../test-support';
import { spansUntilMarkerRequest, uniquePath } from '../../../test-support/server-spans';

const CHAINS = [
  { name: 'Koa 2 → Fastify 4 → Express 4', koa: 'fixtures/koa2', fastify: 'fixtures/fastify4', express: 'fixtures/express4' },
  { name: 'Koa 3 → Fastify 5 → Express 5', koa: 'fixtures/koa3', fastify: 'fixtures/fastify5', express: 'fixtures/express5' },
];

describe.each(CHAINS)('a chain $name', (chain) => {
  const agent = useAgent();
  let koa: RunningApp;
  let fastify: RunningApp;
  let express: RunningApp;

  beforeAll(async () => {
    express = await startApp('test-apps/express-service/index.js', tracingEnv(agent, 'express-service', { EXPRESS_DIR: path.join(ROOT, chain.express) }));
    fastify = await startApp(
      'test-apps/fastify-service/index.js',
      tracingEnv(agent, 'fastify-service', { FASTIFY_DIR: path.join(ROOT, chain.fastify), DOWNSTREAM_URL: express.url, DOWNSTREAM_PATH: '/users/42' }),
    );
    koa = await startApp(
      'test-apps/koa-service/index.js',
      tracingEnv(agent, 'koa-service', { KOA_DIR: path.join(ROOT, chain.koa), DOWNSTREAM_URL: fastify.url, DOWNSTREAM_PATH: '/fanout' }),
    );
  });

  it('30 concurrent chains: each keeps its own trace, one server span per service, each under its caller\'s client span', async () => {
    const urls = Array.from({ length: 30 }, () => uniquePath('/fanout'));
    const responses = await Promise.all(urls.map((u) => httpGet(`${koa.url}${u}`)));
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ service: 'koa', downstream: 200 });
      expect(JSON.parse(JSON.parse(response.body).body)).toMatchObject({ service: 'fastify', downstream: 200 });
    }
    const entries = (spans: DecodedSpan[]) => urls.map((u) => spans.find((s) => s.serviceName === 'koa-service' && s.tags['http.url'] === u));
    const complete = (spans: DecodedSpan[]) => entries(spans).every((entry) => entry !== undefined && spans.filter((s) => s.traceId === entry.traceId).length >= 5);
    const spans = await agent.waitForSpans(complete, 15000);
    for (const app of [koa, fastify, express]) await spansUntilMarkerRequest(agent, app.url); // anything extra has arrived by now
    const traceIds = new Set<string>();
    for (const entry of entries(agent.spans)) {
      const trace = agent.spans.filter((s) => s.traceId === entry!.traceId);
      traceIds.add(entry!.traceId);
      const servers = trace.filter((s) => s.tags['span.kind'] === 'server');
      expect(servers.map((s) => s.serviceName).sort()).toEqual(['express-service', 'fastify-service', 'koa-service']);
      const [koaServer, fastifyServer, expressServer] = ['koa-service', 'fastify-service', 'express-service'].map((name) => servers.find((s) => s.serviceName === name)!);
      expect(koaServer.operationName).toBe('GET /fanout');
      expect(fastifyServer.operationName).toBe('GET /fanout');
      expect(expressServer.operationName).toBe('GET /users/:id');
      expect(koaServer.tags.component).toBe('koa');
      expect(fastifyServer.tags.component).toBe('fastify');
      expect(expressServer.tags.component).toBe('express');
      const clientOf = (server: DecodedSpan) => trace.filter((s) => s.tags['span.kind'] === 'client' && s.serviceName === server.serviceName);
      const [koaClient] = clientOf(koaServer);
      const [fastifyClient] = clientOf(fastifyServer);
      expect(clientOf(koaServer)).toHaveLength(1);
      expect(clientOf(fastifyServer)).toHaveLength(1);
      expect(koaClient.parentSpanId).toBe(koaServer.spanId);
      expect(fastifyServer.parentSpanId).toBe(koaClient.spanId);
      expect(fastifyClient.parentSpanId).toBe(fastifyServer.spanId);
      expect(expressServer.parentSpanId).toBe(fastifyClient.spanId);
      expect(koaServer.parentSpanId).toBe('0000000000000000');
      expect(trace).toHaveLength(5);
    }
    expect(traceIds.size).toBe(30);
    expect(spans.length).toBeGreaterThanOrEqual(150);
  });
});
