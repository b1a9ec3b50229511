import { httpGet, runScript, startApp, tracingEnv, useAgent } from '../../../test-support';
import { spansUntilMarkerRequest } from '../../../test-support/server-spans';
import { clientSpans, script, serverSpans, withRegister } from './helpers';

/** What users otherwise set in code, from the environment under the register: real processes, spans from their UDP packets. */
describe('register: ignore rules, header tags and the parent rule from the environment', () => {
  const agent = useAgent({ scope: 'test' });

  it('SPANWISE_IGNORE_INCOMING_PATHS (exact and glob) skips those requests; SPANWISE_HEADERS_AS_TAGS tags the others (also Express routes)', async () => {
    const env = tracingEnv(agent, 'env-in', { SPANWISE_IGNORE_INCOMING_PATHS: '/slow, /users/*', SPANWISE_HEADERS_AS_TAGS: 'X-Tenant,authorization' });
    const app = await startApp(script('express-app.js'), env, withRegister);
    expect((await httpGet(`${app.url}/users/7`)).status).toBe(200);
    expect((await httpGet(`${app.url}/slow`)).status).toBe(200);
    expect((await httpGet(`${app.url}/fail`, { 'x-tenant': 'acme', authorization: 'Bearer secret' })).status).toBe(500);
    await agent.waitForSpans(1, 5000);
    const spans = serverSpans(await spansUntilMarkerRequest(agent, app.url));
    expect(spans.map((s) => s.operationName)).toEqual(['GET /fail']);
    expect(spans[0].tags['http.request.header.x-tenant']).toBe('acme');
    expect(JSON.stringify(spans[0])).not.toContain('secret');
  });

  it('SPANWISE_IGNORE_OUTGOING_URLS: a matching call gets no span and no trace headers', async () => {
    const downstream = await startApp(script('plain-http.js'), tracingEnv(agent, 'env-down'), withRegister);
    const env = { DOWNSTREAM_URL: `${downstream.url}/hello`, SPANWISE_IGNORE_OUTGOING_URLS: 'http://127.0.0.1:*/hello' };
    const app = await startApp(script('plain-http.js'), tracingEnv(agent, 'env-front', env), withRegister);
    expect((await httpGet(`${app.url}/call`)).body).toBe('downstream said hello');
    await agent.waitForSpans(2, 5000);
    const spans = await spansUntilMarkerRequest(agent, app.url);
    const front = serverSpans(spans).find((s) => s.serviceName === 'env-front')!;
    const back = serverSpans(spans).find((s) => s.serviceName === 'env-down')!;
    expect(clientSpans(spans)).toEqual([]);
    expect(back.traceId).not.toBe(front.traceId);
    expect(back.parentSpanId).toBe('0000000000000000');
  });

  it('SPANWISE_REQUIRE_PARENT=false: a call outside any request becomes a root client span (default: none)', async () => {
    const downstream = await startApp(script('plain-http.js'), tracingEnv(agent, 'env-down'), withRegister);
    const startup = script('startup-call.js');
    for (const requireParent of ['true', 'false']) {
      const result = await runScript(startup, tracingEnv(agent, `env-parent-${requireParent}`, { SPANWISE_REQUIRE_PARENT: requireParent, CALL_URL: `${downstream.url}/hello` }), withRegister);
      expect(result.code).toBe(0);
    }
    await agent.waitForSpans((spans) => spans.some((s) => s.serviceName === 'env-parent-false'), 5000);
    // The scripts have exited: what they sent is queued before the marker the still-running downstream sends.
    const spans = await spansUntilMarkerRequest(agent, downstream.url);
    expect(clientSpans(spans).map((s) => s.serviceName)).toEqual(['env-parent-false']);
  });

  it.each([
    ['SPANWISE_IGNORE_INCOMING_PATHS', 'health', 'a comma list of paths starting with "/" (exact, or globs with * and **)'],
    ['SPANWISE_IGNORE_OUTGOING_URLS', 'http://[bad', 'a comma list of hosts, host:port, URL prefixes (http://...) or URL globs with *'],
    ['SPANWISE_HEADERS_AS_TAGS', 'x-tenant,x tenant', 'a comma list of header names'],
    ['SPANWISE_REQUIRE_PARENT', 'sometimes', 'true or false'],
  ])('%s=%s stops the app at startup naming the variable', async (variable, value, expected) => {
    const result = await runScript(script('express-app.js'), { ...tracingEnv(agent, 'bad'), PORT: '0', [variable]: value }, withRegister);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`[spanwise] Spanwise configuration: ${variable} must be ${expected}, got ${JSON.stringify(value)}`);
    expect(result.output).not.toContain('LISTENING');
  });
});
