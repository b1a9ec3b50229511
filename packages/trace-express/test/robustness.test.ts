/**
 * trace-express options, a tracer that throws, and patch()/unpatch(), on Express 4 and 5, through real processes.
 */
import { httpGet, startApp, tracingEnv, useAgent, type RunningApp } from '../../../test-support';
import { spansUntilMarkerRequest } from '../../../test-support/server-spans';
import { MAJORS, script, serverSpanFor, SERVICE_APP } from './helpers';

/** Routes whose answers must not depend on tracing (/tagged does, on purpose). */
const COMPARED_PATHS = [
  '/users/42?token=abc',
  '/api/orgs/7/users/9',
  '/api/orgs/7/projects/3/tasks/4',
  '/v2/users/5',
  '/items/3',
  '/regex/42',
  '/maybe/1',
  '/nothing',
  '/error',
  '/async-error',
  '/next-error',
  '/final-error',
  '/status500',
  '/health',
];

/** Express's final handler prints stacks in development, and stacks show the wrappers' frames: compare in production mode. */
const PRODUCTION = { NODE_ENV: 'production' };

type Answer = { status: number; body: string; contentType: unknown };

async function answers(app: RunningApp, headers: Record<string, string> = {}): Promise<Answer[]> {
  const result: Answer[] = [];
  for (const path of COMPARED_PATHS) {
    const response = await httpGet(app.url + path, headers);
    result.push({ status: response.status, body: response.body, contentType: response.headers['content-type'] });
  }
  return result;
}

const agent = useAgent();

describe.each(MAJORS)('$name', ({ name, dir }) => {
  let untraced: Answer[];

  beforeAll(async () => {
    const app = await startApp(SERVICE_APP, { ...PRODUCTION, EXPRESS_DIR: dir, TRACING: 'off' });
    untraced = await answers(app);
    await app.stop();
  });

  describe('options', () => {
    const service = `express-options-${name}`;
    let app: RunningApp;
    const serverSpan = (url: string) => serverSpanFor(agent, service, url);

    beforeAll(async () => {
      app = await startApp(script('options-app.js'), tracingEnv(agent, service, { EXPRESS_DIR: dir }));
    });
    afterAll(() => app.stop());

    test('operationName names the span (an empty name falls back to the default)', async () => {
      await httpGet(`${app.url}/api/orgs/1/users/2?named=1`, { 'x-custom-name': '1' });
      await httpGet(`${app.url}/api/orgs/1/users/2?named=0`);
      expect((await serverSpan('/api/orgs/1/users/2?named=1')).operationName).toBe('custom GET /api/orgs/:orgId/users/:id');
      expect((await serverSpan('/api/orgs/1/users/2?named=0')).operationName).toBe('GET /api/orgs/:orgId/users/:id');
    });

    test('requestHook and responseHook tag the span', async () => {
      await httpGet(`${app.url}/status500?hooks=1`, { 'x-test': 'from-request' });
      const span = await serverSpan('/status500?hooks=1');
      expect(span.tags['hook.request']).toBe('from-request');
      expect(span.tags['hook.response']).toBe(500);
    });

    test('hooks that throw change nothing for the app', async () => {
      const quiet = await httpGet(`${app.url}/users/3?hook=quiet`);
      const loud = await httpGet(`${app.url}/users/3?hook=throw`, { 'x-hook-throw': '1' });
      expect(loud.status).toBe(quiet.status);
      expect(loud.body).toBe(quiet.body);
      const span = await serverSpan('/users/3?hook=throw');
      expect(span.operationName).toBe('GET /users/:id');
      expect(span.tags['hook.request']).toBeUndefined();
      await httpGet(`${app.url}/users/3?hook=again`, { 'x-hook-throw': '1' });
      await serverSpan('/users/3?hook=again');
      // Each option is named once in the log, whatever the number of throws.
      for (const option of ['requestHook', 'responseHook']) {
        const lines = app.output().split('\n').filter((line) => line.includes(`option ${option} of @spanwise/trace-express threw`));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`${option} exploded`);
      }
    });

    test('headersAsTags records allowed headers, never credentials', async () => {
      await httpGet(`${app.url}/users/4?headers=1`, { 'X-Tenant': 'acme', Authorization: 'Bearer s3cret', Cookie: 'sid=s3cret' });
      const span = await serverSpan('/users/4?headers=1');
      expect(span.tags['http.request.header.x-tenant']).toBe('acme');
      expect(span.tags['http.request.header.authorization']).toBeUndefined();
      expect(span.tags['http.request.header.cookie']).toBeUndefined();
      expect(span.tags['http.request.header.x-absent']).toBeUndefined();
      expect(JSON.stringify(span)).not.toContain('s3cret');
      expect(app.output()).toContain('"authorization" header holds credentials');
    });

    test('headersAsTags records secret-looking headers as REDACTED even when listed, unless opted in by name', async () => {
      await httpGet(`${app.url}/users/4?headers=secret`, { 'x-api-key': 'k3y-s3cret', 'x-auth-token': 't0k3n-s3cret', 'x-session-id': 'sess-s3cret', 'x-public-key': 'pk-visible' });
      const span = await serverSpan('/users/4?headers=secret');
      expect(span.tags).toMatchObject({
        'http.request.header.x-api-key': 'REDACTED',
        'http.request.header.x-auth-token': 'REDACTED',
        'http.request.header.x-session-id': 'REDACTED',
        'http.request.header.x-public-key': 'pk-visible',
      });
      expect(JSON.stringify(span)).not.toContain('s3cret');
    });

    test('ignore: exact path, RegExp and predicate', async () => {
      expect((await httpGet(`${app.url}/health`)).body).toBe('ok');
      expect((await httpGet(`${app.url}/internal/metrics`)).status).toBe(200);
      expect((await httpGet(`${app.url}/users/5?skip=1`, { 'x-skip': 'yes' })).status).toBe(200);
      await httpGet(`${app.url}/users/5?after=ignored`);
      await serverSpan('/users/5?after=ignored');
      const spans = await spansUntilMarkerRequest(agent, app.url);
      const urls = spans.filter((s) => s.serviceName === service).map((s) => String(s.tags['http.url']));
      expect(urls.filter((url) => url === '/health' || url.startsWith('/internal') || url.includes('skip=1'))).toEqual([]);
    });
  });

  test('tracing changes no response: status, body and content type as untraced', async () => {
    const app = await startApp(SERVICE_APP, tracingEnv(agent, `express-compare-${name}`, { ...PRODUCTION, EXPRESS_DIR: dir }));
    try {
      expect(await answers(app, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })).toEqual(untraced);
      await serverSpanFor(agent, `express-compare-${name}`, '/final-error');
    } finally {
      await app.stop();
    }
  });

  describe.each(['tracer', 'span', 'late'])('a tracer that throws (%s)', (mode) => {
    test('changes no response', async () => {
      const app = await startApp(script('throwing-tracer-app.js'), { ...PRODUCTION, EXPRESS_DIR: dir, THROW_MODE: mode });
      try {
        expect(await answers(app, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })).toEqual(untraced);
        // The tracer was really used, its faults reported (once per place), not thrown into the app.
        expect(app.output()).toContain('tracing fault');
        expect(app.output()).toContain('tracer exploded');
        expect(app.child.exitCode).toBeNull();
      } finally {
        await app.stop();
      }
    });
  });

  describe('patch() / unpatch()', () => {
    test('unpatch restores every Express method; the app answers as untraced and routes are no longer captured', async () => {
      const service = `express-unpatched-${name}`;
      const app = await startApp(script('patch-cycle-app.js'), tracingEnv(agent, service, { ...PRODUCTION, EXPRESS_DIR: dir, MODE: 'unpatch' }));
      try {
        expect(app.output()).toContain('PATCHED 4/4 RESTORED true');
        expect(await answers(app)).toEqual(untraced);
        const span = await serverSpanFor(agent, service, '/api/orgs/7/users/9');
        expect(span.operationName).toBe('GET (unmatched)');
        expect(span.tags['http.route']).toBeUndefined();
      } finally {
        await app.stop();
      }
    });

    test('patch() before Express is loaded: Express is patched when required', async () => {
      const service = `express-early-${name}`;
      const app = await startApp(script('patch-cycle-app.js'), tracingEnv(agent, service, { EXPRESS_DIR: dir, MODE: 'early' }));
      try {
        expect(app.output()).toContain('EXPRESS LOADED BEFORE PATCH: 0');
        expect(app.output()).toContain('PATCHED ON LOAD 4/4');
        await httpGet(`${app.url}/api/orgs/7/projects/3/tasks/4`);
        expect((await serverSpanFor(agent, service, '/api/orgs/7/projects/3/tasks/4')).operationName).toBe('GET /api/orgs/:orgId/projects/:projectId/tasks/:taskId');
      } finally {
        await app.stop();
      }
    });

    test('routes added before patching: mounts fall back to the base URL', async () => {
      const service = `express-late-${name}`;
      const app = await startApp(script('patch-cycle-app.js'), tracingEnv(agent, service, { EXPRESS_DIR: dir, MODE: 'late' }));
      try {
        await httpGet(`${app.url}/api/orgs/7/users/9`);
        await httpGet(`${app.url}/users/1`);
        expect((await serverSpanFor(agent, service, '/api/orgs/7/users/9')).operationName).toBe('GET /api/orgs/7/users/:id');
        expect((await serverSpanFor(agent, service, '/users/1')).operationName).toBe('GET /users/:id');
      } finally {
        await app.stop();
      }
    });
  });
});
