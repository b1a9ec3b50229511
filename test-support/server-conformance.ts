/**
 * Behaviour every framework adapter shares (Express, Koa, Fastify): one suite, run inside each adapter's describe.each.
 * The test-app must serve `/work/:n` (a `work` child span tagged `work.n`, body `{ active: true }`), `/slow`,
 * `/users/:id` and `/health`, and read the trace options from the environment (test-support/app-common.js).
 */
import { httpGet, startApp, type RunningApp } from './apps';
import type { AgentReceiver } from '@spanwise/agent';
import { abortedGet, randomHex, serverSpanOf, spansUntilMarkerRequest, uniquePath } from './server-spans';

export interface ConformanceContext {
  app(): RunningApp;
  agent(): AgentReceiver;
  /** The test-app script and the environment for a traced instance with `extra` settings. */
  script: string;
  env(extra?: Record<string, string>): Record<string, string>;
  component: string;
  serviceName: string;
}

export function serverConformanceTests(ctx: ConformanceContext): void {
  it('an unsampled incoming trace: no span is sent, the response is unchanged', async () => {
    const agent = ctx.agent();
    const trace = randomHex(32);
    const url = uniquePath('/work/9');
    const response = await httpGet(`${ctx.app().url}${url}`, { 'uber-trace-id': `${trace}:${randomHex(16)}:0:0` });
    expect(response.status).toBe(200);
    const spans = await spansUntilMarkerRequest(agent, ctx.app().url);
    expect(spans.filter((s) => s.traceId === trace || s.tags['http.url'] === url)).toEqual([]);
  });

  it('reports a request the client aborted', async () => {
    const url = uniquePath('/slow');
    await abortedGet(`${ctx.app().url}${url}`, 150);
    const span = await serverSpanOf(ctx.agent(), ctx.app().url, url);
    expect(span.operationName).toBe('GET /slow');
    expect(span.tags['http.aborted']).toBe(true);
    expect(span.logs.some((l) => l.fields.event === 'aborted')).toBe(true);
    expect(span.duration).toBeLessThan(1_400_000);
  });

  it('keeps 40 concurrent requests apart: each work span is under its own request', async () => {
    const agent = ctx.agent();
    const workBefore = agent.spans.filter((s) => s.operationName === 'work').length;
    const ns = Array.from({ length: 40 }, (_, i) => String(i));
    const urls = ns.map((n) => uniquePath(`/work/${n}`));
    const responses = await Promise.all(urls.map((u) => httpGet(`${ctx.app().url}${u}`)));
    expect(responses.every((r) => r.status === 200 && JSON.parse(r.body).active === true)).toBe(true);
    const spans = await agent.waitForSpans(
      (all) => urls.every((u) => all.some((s) => s.tags['http.url'] === u)) && all.filter((s) => s.operationName === 'work').length >= workBefore + 40,
      10000,
    );
    for (const [i, url] of urls.entries()) {
      const servers = spans.filter((s) => s.tags['http.url'] === url);
      expect(servers).toHaveLength(1);
      const work = spans.filter((s) => s.operationName === 'work' && s.parentSpanId === servers[0].spanId);
      expect(work).toHaveLength(1);
      expect(work[0].tags['work.n']).toBe(ns[i]);
      expect(work[0].traceId).toBe(servers[0].traceId);
    }
  });

  it('applies the options: ignore, operationName, requestHook/responseHook, headersAsTags', async () => {
    const agent = ctx.agent();
    const optionsApp = await startApp(
      ctx.script,
      ctx.env({ TRACE_IGNORE: '/health,re:^/users/ignored', TRACE_OPERATION_NAME: '1', TRACE_HOOKS: '1', TRACE_HEADERS: 'x-tenant,authorization' }),
    );
    const ignored = ['/health', uniquePath('/users/ignored')];
    for (const p of ignored) expect((await httpGet(`${optionsApp.url}${p}`)).status).toBe(200);
    const url = uniquePath('/users/5');
    await httpGet(`${optionsApp.url}${url}`, { 'x-tenant': 'acme', authorization: 'Bearer secret' });
    const unmatched = uniquePath('/nowhere');
    await httpGet(`${optionsApp.url}${unmatched}`);
    const span = await serverSpanOf(agent, optionsApp.url, url);
    expect(span.operationName).toBe('custom GET /users/:id');
    expect(span.tags).toMatchObject({ 'app.request_hook': 'GET', 'app.response_status': 200, 'http.request.header.x-tenant': 'acme', component: ctx.component });
    expect(span.tags['http.request.header.authorization']).toBeUndefined();
    expect(JSON.stringify(span)).not.toContain('secret');
    expect((await serverSpanOf(agent, optionsApp.url, unmatched)).operationName).toBe('custom GET none');
    expect(agent.spans.filter((s) => s.serviceName === ctx.serviceName && ignored.includes(String(s.tags['http.url'])))).toEqual([]);
  });

  it('headersAsTags: secret-looking headers REDACTED unless opted in; hooks that throw keep the span and are named once', async () => {
    const agent = ctx.agent();
    const app = await startApp(
      ctx.script,
      ctx.env({ TRACE_THROWING_HOOKS: '1', TRACE_HEADERS: 'x-api-key,x-auth-token,x-public-key', TRACE_RECORD_SECRET_HEADERS: 'x-public-key' }),
    );
    const urls = [uniquePath('/users/7'), uniquePath('/users/8')];
    for (const url of urls) expect((await httpGet(`${app.url}${url}`, { 'x-api-key': 'k3y-s3cret', 'x-auth-token': 't0k3n-s3cret', 'x-public-key': 'pk-visible' })).status).toBe(200);
    for (const url of urls) {
      const span = await serverSpanOf(agent, app.url, url);
      expect(span.operationName).toBe('GET /users/:id');
      expect(span.tags).toMatchObject({
        component: ctx.component,
        'http.status_code': 200,
        'http.request.header.x-api-key': 'REDACTED',
        'http.request.header.x-auth-token': 'REDACTED',
        'http.request.header.x-public-key': 'pk-visible',
      });
      expect(JSON.stringify(span)).not.toContain('s3cret');
    }
    for (const option of ['requestHook', 'responseHook', 'operationName']) {
      const lines = app.output().split('\n').filter((line) => line.includes(`option ${option} of @spanwise/trace-${ctx.component} threw`));
      expect([option, lines.length]).toEqual([option, 1]);
    }
    expect(app.output()).not.toContain('tracing fault');
    await app.stop();
  });
}
