/** The search-service test-app: an HTTP request → one server span → one elasticsearch.search child span. */
import { httpGet, startApp, stopAllApps, tracingEnv, useAgent } from '../../../test-support';
import { startStandIn, type StandIn } from '../../../test-support/elasticsearch-stand-in';

const APP = 'test-apps/search-service/index.js';
const agent = useAgent();

afterEach(async () => {
  await stopAllApps();
  agent.clear();
});

test.each(['es7', 'es8', 'es9'])('without ES_URL it starts its own stand-in; GET /search traces one search under the server span (%s)', async (client) => {
  const app = await startApp(APP, tracingEnv(agent, 'search-service', { ES_CLIENT: client }));
  expect(app.output()).toMatch(/ES_URL not set: started a local Elasticsearch stand-in at http:\/\/127\.0\.0\.1:\d+/);
  const response = await httpGet(`${app.url}/search?q=dune`);
  expect(response.status).toBe(200);
  expect(JSON.parse(response.body)).toEqual({ titles: ['Dune'] });
  const spans = await agent.waitForSpans((all) => all.some((s) => s.tags['span.kind'] === 'server') && all.some((s) => s.operationName === 'elasticsearch.search'), 10000);
  const server = spans.find((s) => s.tags['span.kind'] === 'server')!;
  const search = spans.find((s) => s.operationName === 'elasticsearch.search')!;
  expect(search.parentSpanId).toBe(server.spanId);
  expect(search.traceId).toBe(server.traceId);
  expect(search.tags).toMatchObject({ 'db.instance': 'books', 'db.statement': JSON.stringify({ query: { match: { title: 'dune' } } }) });
  expect(server.tags['http.status_code']).toBe(200);
});

test('with ES_URL it uses that cluster', async () => {
  const standIn: StandIn = await startStandIn();
  try {
    const app = await startApp(APP, tracingEnv(agent, 'search-service', { ES_URL: standIn.url, ES_INDEX: 'novels' }));
    expect(app.output()).not.toMatch(/stand-in/);
    const response = await httpGet(`${app.url}/search?q=dune`);
    expect(response.status).toBe(200);
    expect(standIn.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /novels/_search']);
    const spans = await agent.waitForSpans((all) => all.some((s) => s.operationName === 'elasticsearch.search'), 10000);
    expect(spans.find((s) => s.operationName === 'elasticsearch.search')!.tags['peer.port']).toBe(standIn.port);
  } finally {
    await stopAllApps();
    await standIn.close();
  }
});
