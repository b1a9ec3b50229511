/**
 * trace-express through real processes: the express-service test-app on Express 4 and 5, reporting over UDP
 * to an in-test Jaeger agent receiver.
 */
import * as fs from 'fs';
import * as path from 'path';
import { httpGet, ROOT, startApp, tracingEnv, useAgent, type DecodedSpan, type RunningApp } from '../../../test-support';
import { serverConformanceTests } from '../../../test-support/server-conformance';
import { abortedGet, randomHex, spansUntilMarkerRequest } from '../../../test-support/server-spans';
import { isServer, MAJORS, serverSpanFor, SERVICE_APP } from './helpers';

/** The test-app calls `@spanwise/trace-http`'s patch() when that package exists (it is developed in parallel). */
const HTTP_PATCH_PRESENT = fs.existsSync(path.join(ROOT, 'packages/trace-http/package.json'));

const agent = useAgent();

describe.each(MAJORS)('$name', ({ name, dir }) => {
  const service = `express-service-${name}`;
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp(SERVICE_APP, tracingEnv(agent, service, { EXPRESS_DIR: dir }));
  });

  afterAll(async () => {
    await app.stop();
  });

  const serverSpan = (url: string) => serverSpanFor(agent, service, url);

  describe('the server conformance suite shared with Koa and Fastify', () => {
    const serviceName = `express-conformance-${name}`;
    const env = (extra: Record<string, string> = {}) => tracingEnv(agent, serviceName, { EXPRESS_DIR: dir, ...extra });
    let conformanceApp: RunningApp;
    beforeAll(async () => {
      conformanceApp = await startApp(SERVICE_APP, env({ SLOW_MS: '1500' }));
    });
    afterAll(() => conformanceApp.stop());
    serverConformanceTests({ app: () => conformanceApp, agent: () => agent, script: SERVICE_APP, env, component: 'express', serviceName });
  });

  describe('span names: method + the full matched route pattern', () => {
    test.each([
      ['/users/42', 200, 'GET /users/:id'],
      ['/api/orgs/7/users/9', 200, 'GET /api/orgs/:orgId/users/:id'],
      ['/api/orgs/7/projects/3/tasks/4', 200, 'GET /api/orgs/:orgId/projects/:projectId/tasks/:taskId'],
      ['/v2/users/5', 200, 'GET /v2/users/:id'],
      ['/v2', 200, 'GET /v2'],
      ['/items/3', 200, 'GET /items/:itemId'],
      ['/library/books/2', 200, 'GET /library/books/:bookId'],
      ['/alpha/1', 200, 'GET [/alpha/:a,/beta/:b]'],
      ['/beta/2', 200, 'GET [/alpha/:a,/beta/:b]'],
      ['/regex/42', 200, 'GET /^\\/regex\\/(\\d+)$/'],
      ['/error', 500, 'GET /error'],
      ['/nothing/here', 404, 'GET (unmatched)'],
      ['/maybe/1', 404, 'GET (unmatched)'],
      ['/after/1', 200, 'GET /after/:x'],
    ])('%s -> %s %s', async (path, status, operationName) => {
      const response = await httpGet(app.url + path);
      expect(response.status).toBe(status);
      const span = await serverSpan(path);
      expect(span.operationName).toBe(operationName);
      if (operationName.endsWith('(unmatched)')) expect(span.tags['http.route']).toBeUndefined();
      else expect(span.tags['http.route']).toBe(operationName.slice('GET '.length));
    });

    test('PUT on app.route() is named with its method', async () => {
      const http = await import('http');
      await new Promise<void>((resolve, reject) => {
        const req = http.request(`${app.url}/items/77`, { method: 'PUT', agent: false }, (res) => {
          expect(res.statusCode).toBe(200);
          res.resume().on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      });
      expect((await serverSpan('/items/77')).operationName).toBe('PUT /items/:itemId');
    });
  });

  test('server span tags; secret query values redacted', async () => {
    const response = await httpGet(`${app.url}/users/42?token=abc&page=2`);
    expect(JSON.parse(response.body)).toEqual({ id: '42', name: 'user-42' });
    const span = await serverSpan('/users/42?token=REDACTED&page=2');
    expect(span.tags).toMatchObject({
      'span.kind': 'server',
      component: 'express',
      'http.method': 'GET',
      'http.url': '/users/42?token=REDACTED&page=2',
      'http.status_code': 200,
      'peer.ipv4': '127.0.0.1',
      'http.route': '/users/:id',
    });
    expect(typeof span.tags['peer.port']).toBe('number');
    expect(span.tags.error).toBeUndefined();
    expect(JSON.stringify(span)).not.toContain('abc');
    expect(span.parentSpanId).toBe('0000000000000000');
  });

  describe("continuing the caller's trace", () => {
    const traceId = randomHex(32);
    const spanId = randomHex(16);
    test.each([
      ['uber-trace-id', { 'uber-trace-id': `${traceId}:${spanId}:0:1` }],
      ['traceparent', { traceparent: `00-${traceId}-${spanId}-01` }],
      ['b3 multi', { 'x-b3-traceid': traceId, 'x-b3-spanid': spanId, 'x-b3-sampled': '1' }],
      ['b3 single', { b3: `${traceId}-${spanId}-1` }],
    ])('%s', async (format, headers) => {
      const path = `/users/1?format=${encodeURIComponent(format)}`;
      expect((await httpGet(app.url + path, headers)).status).toBe(200);
      const span = await serverSpan(path);
      expect(span.traceId).toBe(traceId);
      expect(span.parentSpanId).toBe(spanId);
    });

    test.each([
      ['uber-trace-id', { 'uber-trace-id': 'not:a:trace:id' }],
      ['traceparent', { traceparent: '00-zz-garbage-01' }],
      ['b3 multi', { 'x-b3-traceid': 'xyz', 'x-b3-spanid': '!!', 'x-b3-sampled': '1' }],
      ['b3 single', { b3: 'garbage-in' }],
    ])('malformed %s: a new root trace, response unchanged', async (format, headers) => {
      const path = `/users/1?malformed=${encodeURIComponent(format)}`;
      const response = await httpGet(app.url + path, headers);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ id: '1', name: 'user-1' });
      const span = await serverSpan(path);
      expect(span.parentSpanId).toBe('0000000000000000');
      expect(span.references).toEqual([]);
    });
  });

  describe('errors', () => {
    test.each([
      ['/error', 'Error', 'boom'],
      ['/async-error', 'TypeError', 'async boom'],
      ['/next-error', 'RangeError', 'next boom'],
    ])('%s: error=true and an error log; the app still answers', async (path, kind, message) => {
      const response = await httpGet(app.url + path);
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body)).toEqual({ error: message, kind });
      const span = await serverSpan(path);
      expect(span.tags.error).toBe(true);
      expect(span.tags['http.status_code']).toBe(500);
      const errorLogs = span.logs.filter((log) => log.fields.event === 'error');
      expect(errorLogs).toHaveLength(1);
      expect(errorLogs[0].fields).toMatchObject({ 'error.kind': kind, message });
      expect(String(errorLogs[0].fields.stack)).toContain(message);
    });

    test("an error no handler catches (Express's final handler answers) is recorded", async () => {
      const response = await httpGet(`${app.url}/final-error`);
      expect(response.status).toBe(503);
      const span = await serverSpan('/final-error');
      expect(span.tags.error).toBe(true);
      expect(span.logs.filter((log) => log.fields.event === 'error').map((log) => log.fields.message)).toEqual(['to the final handler']);
    });

    test('a 5xx response without an exception: error=true, no error log', async () => {
      const response = await httpGet(`${app.url}/status500`);
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body)).toEqual({ failed: true });
      const span = await serverSpan('/status500');
      expect(span.tags.error).toBe(true);
      expect(span.logs.filter((log) => log.fields.event === 'error')).toEqual([]);
    });
    it('an error with a 4xx status is the client\'s: no error tag, no error log, the status is on the span', async () => {
      const response = await httpGet(app.url + '/client-error');
      expect(response.status).toBe(404);
      const span = await serverSpan('/client-error');
      expect(span.tags['http.status_code']).toBe(404);
      expect(span.tags.error).toBeUndefined();
      expect(span.logs.filter((log) => log.fields.event === 'error')).toHaveLength(0);
    });
  });

  test('a request aborted by the client is still reported, with http.aborted', async () => {
    await abortedGet(`${app.url}/slow?abort=1`, 10);
    const span = await serverSpan('/slow?abort=1');
    expect(span.tags['http.aborted']).toBe(true);
    expect(span.operationName).toBe('GET /slow');
    expect(span.duration).toBeLessThan(45_000);
  });

  test('ignored paths (health) are not traced', async () => {
    expect((await httpGet(`${app.url}/health`)).body).toBe('ok');
    await httpGet(`${app.url}/users/1?after=health`);
    await serverSpan('/users/1?after=health');
    const spans = await spansUntilMarkerRequest(agent, app.url);
    expect(spans.filter((s) => s.serviceName === service && String(s.tags['http.url']).startsWith('/health'))).toEqual([]);
  });

  test('getSpan(req) gives handlers the request span', async () => {
    expect(JSON.parse((await httpGet(`${app.url}/tagged`)).body)).toEqual({ tagged: true });
    expect((await serverSpan('/tagged')).tags['handler.tagged']).toBe(true);
  });

  test('exactly one server span per request', async () => {
    const paths = ['/users/5', '/api/orgs/1/users/2', '/v2/users/3', '/error', '/nothing', '/library/books/8', '/next-error', '/status500'];
    const traceIds = paths.map(() => randomHex(32));
    await Promise.all(paths.map((path, i) => httpGet(`${app.url}${path}?once=${i}`, { traceparent: `00-${traceIds[i]}-${randomHex(16)}-01` })));
    for (let i = 0; i < paths.length; i++) await serverSpan(`${paths[i]}?once=${i}`);
    const spans = await spansUntilMarkerRequest(agent, app.url);
    for (const traceId of traceIds) {
      expect(spans.filter((s) => s.traceId === traceId && isServer(s))).toHaveLength(1);
    }
  });

  /** POST `body` with the body sent 30 ms after the headers, so the app reads it from socket events. */
  async function postLate(path: string, contentType: string, body: string): Promise<string> {
    const http = await import('http');
    return new Promise<string>((resolve, reject) => {
      const headers = { 'content-type': contentType, 'content-length': Buffer.byteLength(body) };
      const req = http.request(app.url + path, { method: 'POST', agent: false, headers }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => req.end(body), 30);
    });
  }

  test.each([
    ['a body parser (express.json)', '/echo?late=1', 'application/json', JSON.stringify({ hello: 'world' }), 'parsed'],
    ["the request stream's own events", '/upload?late=1', 'application/octet-stream', 'x'.repeat(1000), 'uploaded'],
  ])('the span stays active through %s', async (_what, path, contentType, body, childName) => {
    expect(await postLate(path, contentType, body)).toBeTruthy();
    const server = await serverSpan(path);
    const isChild = (s: DecodedSpan) => s.operationName === childName && s.traceId === server.traceId;
    const [child] = (await agent.waitForSpans((all) => all.some(isChild), 3000)).filter(isChild);
    expect(child.parentSpanId).toBe(server.spanId);
  });

  test('/fanout calls DOWNSTREAM_URL and returns its answer; with the http patch the call joins the trace', async () => {
    const downstreamService = `express-downstream-${name}`;
    const downstream = await startApp(SERVICE_APP, tracingEnv(agent, downstreamService, { EXPRESS_DIR: dir }));
    const front = await startApp(SERVICE_APP, tracingEnv(agent, `${service}-front`, { EXPRESS_DIR: dir, DOWNSTREAM_URL: downstream.url }));
    try {
      const response = await httpGet(`${front.url}/fanout`);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
      const id = JSON.parse(response.body).id;
      const frontSpan = await serverSpanFor(agent, `${service}-front`, '/fanout');
      const downstreamSpan = await serverSpanFor(agent, downstreamService, `/users/${id}`);
      expect(frontSpan.operationName).toBe('GET /fanout');
      expect(downstreamSpan.operationName).toBe('GET /users/:id');
      if (HTTP_PATCH_PRESENT) {
        // The client span is a child of the /fanout span (active after the awaited timer); downstream continues it.
        const isClient = (s: DecodedSpan) => s.traceId === frontSpan.traceId && s.tags['span.kind'] === 'client';
        const [client] = (await agent.waitForSpans((all) => all.some(isClient), 3000)).filter(isClient);
        expect(client.parentSpanId).toBe(frontSpan.spanId);
        expect(downstreamSpan.traceId).toBe(frontSpan.traceId);
        expect(downstreamSpan.parentSpanId).toBe(client.spanId);
      } else {
        expect(downstreamSpan.traceId).not.toBe(frontSpan.traceId);
        expect(downstreamSpan.parentSpanId).toBe('0000000000000000');
      }
    } finally {
      await Promise.all([front.stop(), downstream.stop()]);
    }
  });

  test('60 concurrent requests: each child span is under its own request span', async () => {
    const count = 60;
    const marker = randomHex(8);
    const responses = await Promise.all(Array.from({ length: count }, (_, n) => httpGet(`${app.url}/work?n=${marker}-${n}`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const isOurs = (s: DecodedSpan) => s.serviceName === service && (String(s.tags['request.n']).startsWith(marker) || String(s.tags['http.url']).includes(`n=${marker}-`));
    const spans = (await agent.waitForSpans((all) => all.filter(isOurs).length >= 2 * count, 10000)).filter(isOurs);
    const servers = new Map(spans.filter(isServer).map((s) => [String(s.tags['http.url']).split('n=')[1], s]));
    const children = spans.filter((s) => s.operationName === 'work');
    expect(servers.size).toBe(count);
    expect(children).toHaveLength(count);
    expect(new Set([...servers.values()].map((s) => s.traceId)).size).toBe(count);
    for (const child of children) {
      const parent = servers.get(String(child.tags['request.n']))!;
      expect(parent).toBeDefined();
      expect(child.traceId).toBe(parent.traceId);
      expect(child.parentSpanId).toBe(parent.spanId);
    }
  });
});
