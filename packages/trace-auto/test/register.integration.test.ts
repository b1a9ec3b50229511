import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { httpGet, runScript, startApp, tracingEnv, useAgent, type DecodedSpan } from '../../../test-support';
import { spansUntilMarkerRequest } from '../../../test-support/server-spans';
import { clientSpans, fakePackage, occurrences, script, serverSpans, withRegister } from './helpers';

/**
 * `node -r @spanwise/trace-auto/register app.js` on apps with no tracing code: real processes, spans read from
 * the UDP packets their tracer sends.
 */
describe('register: apps traced with no code change', () => {
  const agent = useAgent({ scope: 'test' });

  const byUrl = (spans: DecodedSpan[], url: string) => serverSpans(spans).filter((s) => s.tags['http.url'] === url);
  /** Everything apps that already exited sent: a traced app started after them answers a marker request. */
  const spansFromStoppedApps = async () => {
    const marker = await startApp(script('plain-http.js'), tracingEnv(agent, 'marker'), withRegister);
    return spansUntilMarkerRequest(agent, marker.url);
  };

  describe('plain http/https servers', () => {
    it('each request gets one server span named by its method, with status and error', async () => {
      const app = await startApp(script('plain-http.js'), tracingEnv(agent, 'plain'), withRegister);
      expect(await httpGet(`${app.url}/hello?x=1`)).toMatchObject({ status: 200, body: 'hello' });
      expect(await httpGet(`${app.url}/boom`)).toMatchObject({ status: 500, body: 'boom' });
      await agent.waitForSpans(2, 5000);
      const spans = await spansUntilMarkerRequest(agent, app.url);
      expect(serverSpans(spans)).toHaveLength(2);
      const [hello] = byUrl(spans, '/hello?x=1');
      expect(hello).toMatchObject({ operationName: 'GET', serviceName: 'plain', parentSpanId: '0000000000000000' });
      expect(hello.tags).toMatchObject({ component: 'http', 'http.method': 'GET', 'http.status_code': 200 });
      expect(hello.tags.error).toBeUndefined();
      expect(byUrl(spans, '/boom')[0].tags).toMatchObject({ 'http.status_code': 500, error: true });
    });

    it('outgoing fetch and http.get inside a request are its children, and the trace continues in the next service', async () => {
      const downstream = await startApp(script('plain-http.js'), tracingEnv(agent, 'downstream'), withRegister);
      const app = await startApp(script('plain-http.js'), tracingEnv(agent, 'front', { DOWNSTREAM_URL: `${downstream.url}/hello` }), withRegister);
      expect(await httpGet(`${app.url}/call`)).toMatchObject({ status: 200, body: 'downstream said hello' });
      expect(await httpGet(`${app.url}/call-http`)).toMatchObject({ status: 200, body: 'downstream status 200' });
      await agent.waitForSpans(6, 5000);
      for (const [url, component] of [['/call', 'fetch'], ['/call-http', 'http']]) {
        const [front] = byUrl(agent.spans, url).filter((s) => s.serviceName === 'front');
        const [client] = clientSpans(agent.spans).filter((s) => s.parentSpanId === front.spanId);
        expect(client.tags.component).toBe(component);
        const [back] = serverSpans(agent.spans).filter((s) => s.serviceName === 'downstream' && s.parentSpanId === client.spanId);
        expect(back).toMatchObject({ traceId: front.traceId, operationName: 'GET' });
      }
    });

    it('https servers get the same server spans', async () => {
      const tls = selfSignedCertificate();
      try {
        const app = await startApp(script('plain-http.js'), tracingEnv(agent, 'tls', { TLS_KEY: tls.key, TLS_CERT: tls.cert }), withRegister);
        const body = await httpsGet(`https://127.0.0.1:${app.port}/hello`);
        expect(body).toBe('hello');
        const [span] = await agent.waitForSpans(1, 5000);
        expect(span).toMatchObject({ operationName: 'GET', serviceName: 'tls' });
        expect(span.tags).toMatchObject({ 'span.kind': 'server', component: 'http', 'http.url': '/hello', 'http.status_code': 200 });
      } finally {
        tls.remove();
      }
    });
  });

  describe.each(['express4', 'express5'])('Express without app.use(traceMiddleware()) (%s)', (fixture) => {
    it('names the one server span of each request by its route, records errors, and 404s as unmatched', async () => {
      const app = await startApp(script('express-app.js'), tracingEnv(agent, fixture, { EXPRESS_FIXTURE: fixture }), withRegister);
      expect(await httpGet(`${app.url}/users/7`)).toMatchObject({ status: 200, body: '{"id":"7"}' });
      expect((await httpGet(`${app.url}/fail`)).status).toBe(500);
      expect((await httpGet(`${app.url}/nope`)).status).toBe(404);
      await agent.waitForSpans(3, 5000);
      const spans = serverSpans(await spansUntilMarkerRequest(agent, app.url));
      expect(spans.map((s) => s.operationName).sort()).toEqual(['GET (unmatched)', 'GET /fail', 'GET /users/:id']);
      for (const span of spans) expect(span.tags.component).toBe('express');
      expect(byUrl(spans, '/users/7')[0].tags['http.route']).toBe('/users/:id');
      const failed = byUrl(spans, '/fail')[0];
      expect(failed.tags).toMatchObject({ error: true, 'http.status_code': 500 });
      expect(failed.logs.some((l) => l.fields.message === 'handler failed')).toBe(true);
    });

    it('an app that also mounts traceMiddleware() itself still gets exactly one server span per request', async () => {
      const app = await startApp(script('express-app.js'), tracingEnv(agent, `${fixture}-own`, { EXPRESS_FIXTURE: fixture, OWN_MIDDLEWARE: '1' }), withRegister);
      for (let i = 0; i < 3; i++) expect((await httpGet(`${app.url}/users/${i}`)).status).toBe(200);
      await agent.waitForSpans(3, 5000);
      const spans = serverSpans(await spansUntilMarkerRequest(agent, app.url));
      expect(spans).toHaveLength(3);
      expect(new Set(spans.map((s) => s.operationName))).toEqual(new Set(['GET /users/:id']));
    });
  });

  describe.each([
    ['koa2', 'koa-app.js', { KOA_FIXTURE: 'koa2' }, '/users'],
    ['koa3', 'koa-app.js', { KOA_FIXTURE: 'koa3' }, '/users'],
    ['fastify4', 'fastify-app.js', { FASTIFY_FIXTURE: 'fastify4' }, '/api/users'],
    ['fastify5', 'fastify-app.js', { FASTIFY_FIXTURE: 'fastify5' }, '/api/users'],
  ])('%s without app.use(...) / register(...)', (fixture, app, appEnv, users) => {
    const component = fixture.replace(/\d+$/, '');

    it('names the one server span of each request by its route, records errors, and 404s as unmatched', async () => {
      const running = await startApp(script(app), tracingEnv(agent, fixture, appEnv), withRegister);
      expect(await httpGet(`${running.url}${users}/7`)).toMatchObject({ status: 200, body: '{"id":"7"}' });
      expect((await httpGet(`${running.url}/fail`)).status).toBe(500);
      expect((await httpGet(`${running.url}/nope`)).status).toBe(404);
      await agent.waitForSpans(3, 5000);
      const spans = serverSpans(await spansUntilMarkerRequest(agent, running.url));
      expect(spans.map((s) => s.operationName).sort()).toEqual(['GET (unmatched)', 'GET /fail', `GET ${users}/:id`].sort());
      for (const span of spans) expect(span.tags.component).toBe(component);
      const failed = byUrl(spans, '/fail')[0];
      expect(failed.tags).toMatchObject({ error: true, 'http.status_code': 500 });
      expect(failed.logs.some((l) => l.fields.message === 'handler failed')).toBe(true);
    });

    it('an app that also installs the trace middleware/plugin itself still gets exactly one server span per request', async () => {
      const running = await startApp(script(app), tracingEnv(agent, `${fixture}-own`, { ...appEnv, OWN_MIDDLEWARE: '1' }), withRegister);
      for (let i = 0; i < 3; i++) expect((await httpGet(`${running.url}${users}/${i}`)).status).toBe(200);
      await agent.waitForSpans(3, 5000);
      const spans = serverSpans(await spansUntilMarkerRequest(agent, running.url));
      expect(spans).toHaveLength(3);
      expect(new Set(spans.map((s) => s.operationName))).toEqual(new Set([`GET ${users}/:id`]));
    });
  });

  describe.each(['fastify4', 'fastify5'])('Fastify under register, with no plugin (%s)', (fixture) => {
    const env = (extra: Record<string, string> = {}) => tracingEnv(agent, fixture, { FASTIFY_FIXTURE: fixture, ...extra });

    it('records an error thrown by a hook and names a hijacked reply by its route', async () => {
      const app = await startApp(script('fastify-app.js'), env(), withRegister);
      expect((await httpGet(`${app.url}/hook-fail`)).status).toBe(500);
      expect(await httpGet(`${app.url}/hijack/3`)).toMatchObject({ status: 200, body: 'raw' });
      await agent.waitForSpans(2, 5000);
      const failed = byUrl(agent.spans, '/hook-fail')[0];
      expect(failed).toMatchObject({ operationName: 'GET /hook-fail' });
      expect(failed.tags).toMatchObject({ component: 'fastify', error: true, 'http.status_code': 500 });
      expect(failed.logs.some((l) => l.fields.message === 'hook failed')).toBe(true);
      expect(byUrl(agent.spans, '/hijack/3')[0]).toMatchObject({ operationName: 'GET /hijack/:id' });
    });

    it('is traced with the http instrumentation off (SPANWISE_ENABLED_INSTRUMENTATIONS=fastify)', async () => {
      const app = await startApp(script('fastify-app.js'), env({ SPANWISE_ENABLED_INSTRUMENTATIONS: 'fastify' }), withRegister);
      expect(await httpGet(`${app.url}/api/users/5`)).toMatchObject({ status: 200, body: '{"id":"5"}' });
      const [span] = await agent.waitForSpans(1, 5000);
      expect(span).toMatchObject({ operationName: 'GET /api/users/:id' });
      expect(span.tags).toMatchObject({ component: 'fastify', 'http.route': '/api/users/:id' });
    });
  });

  describe('instrument() in code', () => {
    it('takes per-library options (shared server options, framework options, false) and uninstrument() removes every patch', async () => {
      const app = await startApp(script('instrument-in-code.js'), tracingEnv(agent, 'in-code'));
      const status = JSON.parse(/STATUS (.*)/.exec(app.output())![1]) as Array<[string, boolean, string]>;
      expect(status).toContainEqual(['express', true, '']);
      expect(status).toContainEqual(['mysql2', false, 'option mysql2: false']);
      expect((await httpGet(`${app.url}/health`)).body).toBe('fine');
      expect((await httpGet(`${app.url}/users/1`, { 'x-tenant': 'acme' })).status).toBe(200);
      expect(JSON.parse((await httpGet(`${app.url}/_uninstrument`)).body)).toEqual([]);
      expect(await httpGet(`${app.url}/users/2`)).toMatchObject({ status: 200, body: '{"id":"2"}' });
      await agent.waitForSpans(2, 5000);
      await app.stop();
      const spans = serverSpans(await spansFromStoppedApps());
      expect(spans.map((s) => s.tags['http.url']).sort()).toEqual(['/_uninstrument', '/users/1']);
      expect(byUrl(spans, '/users/1')[0].tags).toMatchObject({ component: 'express', 'http.request.header.x-tenant': 'acme' });
    });
  });

  describe('environment', () => {
    it.each([
      ['SPANWISE_DISABLED_INSTRUMENTATIONS', 'express'],
      ['SPANWISE_ENABLED_INSTRUMENTATIONS', 'http'],
    ])('%s=%s leaves Express alone: the http layer alone names the span by method', async (variable, value) => {
      const app = await startApp(script('express-app.js'), tracingEnv(agent, 'env', { [variable]: value }), withRegister);
      expect((await httpGet(`${app.url}/users/7`)).status).toBe(200);
      const [span] = await agent.waitForSpans(1, 5000);
      expect(span.operationName).toBe('GET');
      expect(span.tags.component).toBe('http');
    });

    it('SPANWISE_DISABLED=true: nothing is patched, nothing is sent, the app answers the same', async () => {
      const app = await startApp(script('express-app.js'), tracingEnv(agent, 'off', { SPANWISE_DISABLED: 'true', SPANWISE_LOG_LEVEL: 'debug' }), withRegister);
      expect(await httpGet(`${app.url}/users/7`)).toMatchObject({ status: 200, body: '{"id":"7"}' });
      expect((await httpGet(`${app.url}/fail`)).status).toBe(500);
      expect(await app.stop('SIGTERM')).toEqual({ code: null, signal: 'SIGTERM' });
      expect(await spansFromStoppedApps()).toEqual([]);
      expect(app.output()).toContain('SPANWISE_DISABLED=true: nothing is instrumented');
      expect(app.output()).not.toContain('patched');
    });

    it.each([
      ['SPANWISE_ENABLED_INSTRUMENTATIONS', 'http,expresss', 'SPANWISE_ENABLED_INSTRUMENTATIONS must be a comma list of http, express, koa, fastify, mysql2, ioredis, elasticsearch, pino, winston, bunyan, got "http,expresss"'],
      ['SPANWISE_DISABLED_INSTRUMENTATIONS', 'redis', 'SPANWISE_DISABLED_INSTRUMENTATIONS must be a comma list of http, express, koa, fastify, mysql2, ioredis, elasticsearch, pino, winston, bunyan, got "redis"'],
      ['SPANWISE_DISABLED', 'maybe', 'SPANWISE_DISABLED must be true or false, got "maybe"'],
      ['JAEGER_SAMPLER_TYPE', 'sometimes', 'JAEGER_SAMPLER_TYPE must be one of const, probabilistic, ratelimiting, remote, got "sometimes"'],
      ['SPANWISE_LOG_LEVEL', 'loud', 'SPANWISE_LOG_LEVEL must be one of debug, info, warn, error, silent, got "loud"'],
    ])('%s=%s stops the app at startup with a message naming the variable and the accepted values', async (variable, value, message) => {
      const result = await runScript(script('express-app.js'), { ...tracingEnv(agent, 'bad'), PORT: '0', [variable]: value }, withRegister);
      expect(result.code).toBe(1);
      expect(result.output).toContain(`[spanwise] Spanwise configuration: ${message}`);
      expect(result.output).not.toContain('LISTENING');
    });
  });

  describe('startup diagnostics, each said once', () => {
    it('a library loaded before register: warned, its loaded copy still patched (apps created afterwards are traced)', async () => {
      const app = await startApp(script('loaded-first.js'), tracingEnv(agent, 'early'));
      expect((await httpGet(`${app.url}/users/7`)).status).toBe(200);
      const [span] = await agent.waitForSpans(1, 5000);
      expect(span.operationName).toBe('GET /users/:id');
      const warning = /express@4\.\d+\.\d+ \(\S+node_modules\/express\) was loaded before Spanwise's auto-instrumentation started/;
      expect(app.output()).toMatch(warning);
      expect(app.output().match(new RegExp(warning, 'g'))).toHaveLength(1);
      expect(app.output()).toContain('functions destructured from it');
    });

    it('another tracing agent already loaded is named', async () => {
      const other = fakePackage('dd-trace', { 'package.json': '{"name":"dd-trace","version":"5.0.0"}', 'index.js': 'module.exports = {};' });
      try {
        const app = await startApp(script('loaded-first.js'), tracingEnv(agent, 'other', { OTHER_AGENT: other.packageDir }));
        expect((await httpGet(`${app.url}/users/7`)).status).toBe(200);
        await agent.waitForSpans(1, 5000);
        expect(occurrences(app.output(), 'another tracing agent is loaded in this process (dd-trace)')).toBe(1);
      } finally {
        other.remove();
      }
    });

    it('a library version outside the supported range is left alone, with a warning', async () => {
      const old = fakePackage('express', {
        'package.json': '{"name":"express","version":"3.21.2","main":"index.js"}',
        'index.js': "module.exports = require('./lib/express');",
        'lib/express.js': "require('./application'); require('./router'); module.exports = function express() {};",
        'lib/application.js': 'exports.handle = function handle() {};',
        'lib/router/index.js': 'module.exports = { handle() {}, use() {} };',
      });
      try {
        const app = await startApp(script('require-module.js'), tracingEnv(agent, 'old', { MODULE_PATH: old.packageDir }), withRegister);
        expect((await httpGet(`${app.url}/`)).body).toBe('ok');
        await agent.waitForSpans(1, 5000);
        expect(occurrences(app.output(), 'express@3.21.2 is outside the versions Spanwise')).toBe(1);
        expect(app.output()).toContain('it is not traced');
      } finally {
        old.remove();
      }
    });

    it('a Fastify outside the supported majors is left alone (not traced), with a warning', async () => {
      // A stand-in Fastify 3 that announces its instances on the diagnostics channel, as Fastify does.
      const old = fakePackage('fastify', {
        'package.json': '{"name":"fastify","version":"3.29.0","main":"index.js"}',
        'index.js': `const dc = require('diagnostics_channel');
module.exports = function fastify() {
  const instance = { version: '3.29.0', plugins: 0, register() { this.plugins++; } };
  dc.channel('fastify.initialization').publish({ fastify: instance });
  if (instance.plugins !== 0) throw new Error('a plugin was registered on Fastify 3');
  return instance;
};`,
      });
      try {
        const app = await startApp(script('require-module.js'), tracingEnv(agent, 'old-fastify', { MODULE_PATH: old.packageDir, CALL_MODULE: '1' }), withRegister);
        expect((await httpGet(`${app.url}/`)).body).toBe('ok');
        expect(occurrences(app.output(), "fastify@3.29.0 is outside the versions Spanwise's fastify instrumentation supports (>=4.0.0 <6): it is not traced")).toBe(1);
      } finally {
        old.remove();
      }
    });

    it('SPANWISE_LOG_LEVEL=debug lists what was patched, at which version, and what is off', async () => {
      const app = await startApp(script('express-app.js'), tracingEnv(agent, 'debug', { SPANWISE_LOG_LEVEL: 'debug', SPANWISE_DISABLED_INSTRUMENTATIONS: 'mysql2' }), withRegister);
      expect((await httpGet(`${app.url}/users/7`)).status).toBe(200);
      await agent.waitForSpans(1, 5000);
      const output = app.output();
      expect(output).toMatch(/auto-instrumentation express: patched express@4\.\d+\.\d+ \[@spanwise\/trace-express\]/);
      expect(output).toMatch(/auto-instrumentation http: patched http server \(node \d+\.\d+\.\d+\), https server \(node [\d.]+\), http\/https\/fetch client/);
      expect(output).toContain('auto-instrumentation mysql2: off (listed in SPANWISE_DISABLED_INSTRUMENTATIONS)');
      expect(output).toContain('auto-instrumentation ioredis: enabled, not loaded by the app (yet)');
    });
  });
});

function selfSignedCertificate(): { key: string; cert: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`the https test needs openssl to make a test certificate (apt-get install -y openssl): ${(error as Error).message}`, { cause: error });
  }
  return { key, cert, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function httpsGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}
