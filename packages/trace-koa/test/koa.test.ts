/**
 * @spanwise/trace-koa against the real test-app (test-apps/koa-service) on every Koa fixture of the version matrix
 * (lowest and latest Koa 2 with @koa/router 12, Koa 3 with @koa/router 15), its spans decoded from the UDP packets
 * jaeger-client sends.
 */
import { childrenOf, errorLog, httpGet, startApp, traceSpans, tracingEnv, useAgent, type DecodedSpan, type RunningApp } from '../../../test-support';
import { describeEachVersion } from '../../../test-support/each-version';
import { serverConformanceTests } from '../../../test-support/server-conformance';
import { randomHex, serverSpanOf, slowPost, uniquePath } from '../../../test-support/server-spans';

const APP = 'test-apps/koa-service/index.js';
describeEachVersion('koa', ({ dir }) => {
  const agent = useAgent();
  let app: RunningApp;
  let untraced: RunningApp;
  const env = (extra: Record<string, string> = {}) => tracingEnv(agent, 'koa-service', { KOA_DIR: dir, ...extra });

  beforeAll(async () => {
    [app, untraced] = await Promise.all([startApp(APP, env({ SLOW_MS: '1500' })), startApp(APP, env({ TRACING: 'off' }))]);
  });

  async function get(route: string, headers: Record<string, string> = {}) {
    const url = uniquePath(route);
    const response = await httpGet(`${app.url}${url}`, headers);
    return { response, span: await serverSpanOf(agent, app.url, url), url };
  }

  describe('route names', () => {
    it.each([
      ['/users/7', 'GET /users/:id', '/users/:id'],
      ['/api/v1/items/9', 'GET /api/v1/items/:item', '/api/v1/items/:item'],
      // The handler calls next() into a later router middleware: still the route's pattern.
      ['/api/chain/3', 'GET /api/chain/:id', '/api/chain/:id'],
    ])('%s is named %s', async (route, operationName, pattern) => {
      const { response, span } = await get(route);
      expect(response.status).toBe(200);
      expect(span.operationName).toBe(operationName);
      expect(span.tags['http.route']).toBe(pattern);
    });

    it('an unmatched path gets the low-cardinality name and no route tag', async () => {
      const { response, span } = await get('/no/such/path/123');
      expect(response.status).toBe(404);
      expect(span.operationName).toBe('GET (unmatched)');
      expect(span.tags['http.route']).toBeUndefined();
      expect(span.tags['http.status_code']).toBe(404);
      expect(span.tags.error).toBeUndefined();
    });
  });

  it('tags the server span (component=koa) and sends nothing more for a plain request', async () => {
    const { span, url } = await get('/users/1');
    expect(span.serviceName).toBe('koa-service');
    expect(span.parentSpanId).toBe('0000000000000000');
    expect(span.tags).toMatchObject({
      component: 'koa',
      'span.kind': 'server',
      'http.method': 'GET',
      'http.url': url,
      'http.status_code': 200,
      'peer.ipv4': '127.0.0.1',
    });
    expect(span.tags.error).toBeUndefined();
    expect(agent.spans.filter((s) => s.traceId === span.traceId)).toHaveLength(1);
  });

  it.each([
    ['uber-trace-id', (trace: string, parent: string) => `${trace}:${parent}:0:1`],
    ['traceparent', (trace: string, parent: string) => `00-${trace}-${parent}-01`],
  ])('continues the caller\'s trace from %s', async (header, format) => {
    const trace = randomHex(32);
    const parent = randomHex(16);
    const { span } = await get('/users/2', { [header]: format(trace, parent) });
    expect(span.traceId).toBe(trace);
    expect(span.parentSpanId).toBe(parent);
  });

  it('makes the server span active downstream and exposes it as ctx.state.span and getSpan(ctx)', async () => {
    const { response, span } = await get('/work/1');
    expect(JSON.parse(response.body)).toMatchObject({ active: true, stateSpan: true });
    const [work] = childrenOf(await traceSpans(agent, span.traceId, 2), span);
    expect(work.operationName).toBe('work');
  });

  it('ctx.state.span is readable but not enumerable: Object.keys and JSON of ctx.state are the untraced ones', async () => {
    const url = uniquePath('/state');
    const [traced, plain] = await Promise.all([httpGet(`${app.url}${url}`), httpGet(`${untraced.url}${url}`)]);
    expect(JSON.parse(traced.body)).toEqual({ keys: ['user'], json: '{"user":"ada"}', hasSpan: true });
    expect(JSON.parse(plain.body)).toEqual({ keys: ['user'], json: '{"user":"ada"}', hasSpan: false });
  });

  it('an app that sets ctx.state.span itself gets its own enumerable property, as untraced', async () => {
    const url = uniquePath('/own-state-span');
    const [traced, plain] = await Promise.all([httpGet(`${app.url}${url}`), httpGet(`${untraced.url}${url}`)]);
    expect(JSON.parse(traced.body)).toEqual({ keys: ['span'], json: '{"span":"mine"}' });
    expect(traced.body).toBe(plain.body);
  });

  it('keeps the span active after the handler read the body from the request\'s events', async () => {
    const url = uniquePath('/echo/1');
    const response = await slowPost(`${app.url}${url}`, JSON.stringify({ hello: 'world', pad: 'x'.repeat(2000) }), 60);
    expect(JSON.parse(response.body)).toMatchObject({ active: true, echo: { hello: 'world' } });
    const server = await serverSpanOf(agent, app.url, url);
    expect(server.operationName).toBe('POST /echo/:n');
    const [work] = childrenOf(await traceSpans(agent, server.traceId, 2), server);
    expect(work.operationName).toBe('work');
  });

  describe('errors: error=true with an error log, the response is what Koa answers untraced', () => {
    it.each([
      ['/error', 500, 'sync boom'],
      ['/async-error', 500, 'async boom'],
      ['/ctx-throw', 500, 'ctx boom'],
    ])('%s', async (route, status, message) => {
      const { response, span, url } = await get(route);
      const plain = await httpGet(`${untraced.url}${url}`);
      expect({ status: response.status, body: response.body }).toEqual({ status: plain.status, body: plain.body });
      expect(response.status).toBe(status);
      expect(span.tags.error).toBe(true);
      expect(span.tags['http.status_code']).toBe(status);
      expect(errorLog(span)).toMatchObject({ event: 'error', message, 'error.kind': expect.any(String), stack: expect.stringContaining(message) });
    });

    it('a 5xx status set by the app marks the span failed, without an error log', async () => {
      const { response, span } = await get('/status500');
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body)).toEqual({ failed: true });
      expect(span.tags.error).toBe(true);
      expect(span.tags['http.status_code']).toBe(500);
      expect(errorLog(span)).toBeUndefined();
    });

    it('ctx.throw(400) is the client\'s error: status tagged, span not failed', async () => {
      const { response, span, url } = await get('/client-error');
      const plain = await httpGet(`${untraced.url}${url}`);
      expect({ status: response.status, body: response.body }).toEqual({ status: plain.status, body: plain.body });
      expect(span.tags['http.status_code']).toBe(400);
      expect(span.tags.error).toBeUndefined();
    });
  });

  serverConformanceTests({ app: () => app, agent: () => agent, script: APP, env, component: 'koa', serviceName: 'koa-service' });

  describe('middleware spans (middlewareSpans: true)', () => {
    let spansApp: RunningApp;
    beforeAll(async () => {
      spansApp = await startApp(APP, env({ MIDDLEWARE_SPANS: '1' }));
    });

    async function traceOf(route: string): Promise<{ server: DecodedSpan; spans: DecodedSpan[] }> {
      const url = uniquePath(route);
      await httpGet(`${spansApp.url}${url}`);
      const server = await serverSpanOf(agent, spansApp.url, url);
      return { server, spans: agent.spans.filter((s) => s.traceId === server.traceId) };
    }

    it('a child span per middleware mounted after traceMiddleware, named after it, nested as Koa runs them', async () => {
      const { server, spans } = await traceOf('/work/2');
      const [timer] = childrenOf(spans, server);
      expect(timer.operationName).toBe('requestTimer');
      expect(timer.tags).toMatchObject({ component: 'koa', 'koa.type': 'middleware', 'koa.name': 'requestTimer' });
      const [router] = childrenOf(spans, timer);
      expect(router.tags['koa.type']).toBe('middleware');
      // The handler's own span is under the router's middleware span, inside the same trace.
      const work = spans.find((s) => s.operationName === 'work')!;
      expect(work.parentSpanId).toBe(router.spanId);
      expect(server.operationName).toBe('GET /work/:n');
    });

    it('an error is logged on the innermost middleware span it went through, and on the server span', async () => {
      const { server, spans } = await traceOf('/error');
      const middlewareSpans = spans.filter((s) => s.tags['koa.type'] === 'middleware');
      expect(middlewareSpans.length).toBeGreaterThanOrEqual(2);
      expect(middlewareSpans.filter((s) => errorLog(s) !== undefined)).toHaveLength(1);
      expect(errorLog(server)).toMatchObject({ message: 'sync boom' });
    });

    it('off by default: the plain app sends only the server span', async () => {
      const { span } = await get('/users/3');
      expect(agent.spans.filter((s) => s.traceId === span.traceId).map((s) => s.operationName)).toEqual(['GET /users/:id']);
    });
  });
});
