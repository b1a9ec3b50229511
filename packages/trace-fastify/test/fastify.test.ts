/**
 * @spanwise/trace-fastify against the real test-app (test-apps/fastify-service) on every Fastify fixture of the
 * version matrix (lowest and latest of 4 and 5),
 * its spans decoded from the UDP packets jaeger-client sends.
 */
import { childrenOf, errorLog, httpGet, startApp, traceSpans, tracingEnv, useAgent, type DecodedSpan, type RunningApp } from '../../../test-support';
import { describeEachVersion } from '../../../test-support/each-version';
import { serverConformanceTests } from '../../../test-support/server-conformance';
import { randomHex, serverSpanOf, slowPost, uniquePath } from '../../../test-support/server-spans';

const APP = 'test-apps/fastify-service/index.js';
describeEachVersion('fastify', ({ dir }) => {
  const agent = useAgent();
  let app: RunningApp;
  let untraced: RunningApp;
  const env = (extra: Record<string, string> = {}) => tracingEnv(agent, 'fastify-service', { FASTIFY_DIR: dir, ...extra });

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
      ['/api/mid/3', 'GET /api/mid/:id', '/api/mid/:id'],
      ['/api/v2/items/9', 'GET /api/v2/items/:item', '/api/v2/items/:item'],
    ])('%s is named %s', async (route, operationName, pattern) => {
      const { response, span } = await get(route);
      expect(response.status).toBe(200);
      expect(span.operationName).toBe(operationName);
      expect(span.tags['http.route']).toBe(pattern);
    });

    it.each([
      ['the default not-found handler', '/no/such/path/1'],
      ['a plugin\'s setNotFoundHandler', '/handled/nothing/here'],
    ])('a 404 from %s gets the low-cardinality name', async (_label, route) => {
      const { response, span, url } = await get(route);
      const plain = await httpGet(`${untraced.url}${url}`);
      expect({ status: response.status, body: response.body }).toEqual({ status: 404, body: plain.body });
      expect(span.operationName).toBe('GET (unmatched)');
      expect(span.tags['http.route']).toBeUndefined();
      expect(span.tags['http.status_code']).toBe(404);
      expect(span.tags.error).toBeUndefined();
    });
  });

  it('tags the server span (component=fastify), sets request.span (= getSpan(request)) and sends nothing more', async () => {
    const { response, span, url } = await get('/work/0');
    // The app's async onRequest hook (after an await) and the handler (after awaits) both see the span.
    expect(JSON.parse(response.body)).toMatchObject({ active: true, hookSawSpan: true, requestSpan: true });
    expect(span.serviceName).toBe('fastify-service');
    expect(span.parentSpanId).toBe('0000000000000000');
    expect(span.tags).toMatchObject({
      component: 'fastify',
      'span.kind': 'server',
      'http.method': 'GET',
      'http.url': url,
      'http.status_code': 200,
      'peer.ipv4': '127.0.0.1',
    });
    expect(span.tags.error).toBeUndefined();
    const spans = await traceSpans(agent, span.traceId, 2);
    expect(spans.map((s) => s.operationName).sort()).toEqual(['GET /work/:n', 'work']);
  });

  it('request.span is not enumerable: the keys of the request are the untraced ones', async () => {
    const url = uniquePath('/request-keys');
    const [traced, plain] = await Promise.all([httpGet(`${app.url}${url}`), httpGet(`${untraced.url}${url}`)]);
    expect(JSON.parse(traced.body)).toEqual({ keys: JSON.parse(plain.body).keys, span: true, getSpan: true });
    expect(JSON.parse(plain.body)).toMatchObject({ span: false, getSpan: false });
  });

  it('an app that decorates `span` itself after registering the plugin starts, keeps its own request.span, and is traced', async () => {
    const own = await startApp(APP, env({ APP_SPAN_DECORATOR: '1' }));
    const url = uniquePath('/request-keys');
    const response = await httpGet(`${own.url}${url}`);
    expect(JSON.parse(response.body)).toMatchObject({ span: 'mine', getSpan: true });
    expect((await serverSpanOf(agent, own.url, url)).operationName).toBe('GET /request-keys');
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

  it('makes the span active again for the handler when a hook continued outside the request\'s context', async () => {
    const { response, span } = await get('/pooled/1');
    expect(JSON.parse(response.body)).toMatchObject({ active: true });
    const [work] = childrenOf(await traceSpans(agent, span.traceId, 2), span);
    expect(work.operationName).toBe('work');
  });

  it('keeps the span active in a handler reached after a body that arrived in pieces', async () => {
    const url = uniquePath('/echo/1');
    const response = await slowPost(`${app.url}${url}`, JSON.stringify({ hello: 'world', pad: 'x'.repeat(2000) }), 60);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ active: true, echo: { hello: 'world' } });
    const server = await serverSpanOf(agent, app.url, url);
    expect(server.operationName).toBe('POST /echo/:n');
    const [work] = childrenOf(await traceSpans(agent, server.traceId, 2), server);
    expect(work.operationName).toBe('work');
  });

  describe('errors: error=true with an error log, the response is what Fastify answers untraced', () => {
    it.each([
      ['/error', 500, 'sync boom'],
      ['/async-error', 500, 'async boom'],
      ['/reply-error', 500, 'reply boom'],
      // The plugin's own error handler answers 503: the error is still reported.
      ['/handled/boom', 503, 'handled boom'],
    ])('%s', async (route, status, message) => {
      const { response, span, url } = await get(route);
      const plain = await httpGet(`${untraced.url}${url}`);
      expect({ status: response.status, body: response.body }).toEqual({ status: plain.status, body: plain.body });
      expect(response.status).toBe(status);
      expect(span.tags.error).toBe(true);
      expect(span.tags['http.status_code']).toBe(status);
      expect(errorLog(span)).toMatchObject({ event: 'error', message, 'error.kind': 'Error', stack: expect.stringContaining(message) });
    });

    it('a 5xx status set by the app marks the span failed, without an error log', async () => {
      const { response, span } = await get('/status500');
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body)).toEqual({ failed: true });
      expect(span.tags.error).toBe(true);
      expect(errorLog(span)).toBeUndefined();
    });

    it('an error with a 4xx statusCode is the client\'s: status tagged, span not failed', async () => {
      const { response, span, url } = await get('/client-error');
      const plain = await httpGet(`${untraced.url}${url}`);
      expect({ status: response.status, body: response.body }).toEqual({ status: plain.status, body: plain.body });
      expect(span.tags['http.status_code']).toBe(400);
      expect(span.tags.error).toBeUndefined();
    });
  });

  serverConformanceTests({ app: () => app, agent: () => agent, script: APP, env, component: 'fastify', serviceName: 'fastify-service' });

  describe('hook spans (hookSpans: true)', () => {
    let spansApp: RunningApp;
    beforeAll(async () => {
      spansApp = await startApp(APP, env({ HOOK_SPANS: '1' }));
    });

    async function traceOf(route: string): Promise<{ server: DecodedSpan; spans: DecodedSpan[] }> {
      const url = uniquePath(route);
      await httpGet(`${spansApp.url}${url}`);
      const server = await serverSpanOf(agent, spansApp.url, url);
      return { server, spans: agent.spans.filter((s) => s.traceId === server.traceId) };
    }

    it('a child span of the server span per app hook (async and callback style); the handler stays under the server span', async () => {
      const { server, spans } = await traceOf('/work/3');
      const hooks = childrenOf(spans, server).filter((s) => s.tags['fastify.type'] === 'hook');
      expect(hooks.map((s) => s.operationName).sort()).toEqual(['onRequest authenticate', 'preHandler loadUser']);
      expect(hooks.every((s) => s.tags.component === 'fastify')).toBe(true);
      const loadUser = hooks.find((s) => s.operationName === 'preHandler loadUser')!;
      expect(loadUser.duration).toBeGreaterThanOrEqual(3000); // it calls done after a 5 ms timer
      const work = spans.find((s) => s.operationName === 'work')!;
      expect(work.parentSpanId).toBe(server.spanId);
    });

    it('a child plugin\'s hook that throws: its span and the server span record the error, the response is Fastify\'s', async () => {
      const url = uniquePath('/hooked/fail');
      const response = await httpGet(`${spansApp.url}${url}`);
      const plain = await httpGet(`${untraced.url}${url}`);
      expect({ status: response.status, body: response.body }).toEqual({ status: plain.status, body: plain.body });
      expect(response.status).toBe(500);
      const server = await serverSpanOf(agent, spansApp.url, url);
      const spans = await traceSpans(agent, server.traceId, 4);
      const failing = childrenOf(spans, server).find((s) => s.operationName === 'preHandler failingCheck')!;
      expect(failing.tags.error).toBe(true);
      expect(errorLog(failing)).toMatchObject({ message: 'hook boom' });
      expect(errorLog(server)).toMatchObject({ message: 'hook boom' });
    });

    it('off by default: the plain app sends only the server span', async () => {
      const { span } = await get('/users/3');
      expect(agent.spans.filter((s) => s.traceId === span.traceId).map((s) => s.operationName)).toEqual(['GET /users/:id']);
    });
  });
});
