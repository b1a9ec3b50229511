import type { IncomingMessage, ServerResponse } from 'http';
import type { RequestRecord } from '@spanwise/trace-core';
import { enterMount, enterRoute, fullRouteOf, joinPattern, kMountPattern, markMountLayers, mountPatternOf, patternOf } from '../src/utils';

const request = (baseUrl = ''): IncomingMessage => ({ baseUrl }) as unknown as IncomingMessage;
const response = (headersSent = false): ServerResponse => ({ headersSent }) as unknown as ServerResponse;
const record = (): RequestRecord => ({ span: {} as RequestRecord['span'], component: 'express', options: {}, finished: false });

describe('patternOf: paths as written by the app', () => {
  test.each([
    ['/users/:id', '/users/:id'],
    [/^\/v\d+\/x/i, '/^\\/v\\d+\\/x/i'],
    [['/a/:x', '/b/:y'], '[/a/:x,/b/:y]'],
    [['/only'], '/only'],
    [['/a', /\/b/, ['/c', '/d']], '[/a,/\\/b/,[/c,/d]]'],
  ])('%p -> %s', (path, expected) => {
    expect(patternOf(path)).toBe(expected);
  });
});

describe('joinPattern', () => {
  test.each([
    ['/api/orgs/:orgId', '/users/:id', '/api/orgs/:orgId/users/:id'],
    ['/api/', '/users', '/api/users'],
    ['/api', 'users', '/api/users'],
    ['/v2', '/', '/v2'],
    ['', '/users', '/users'],
    ['/', '/users', '/users'],
  ])('%s + %s = %s', (prefix, suffix, expected) => {
    expect(joinPattern(prefix, suffix)).toBe(expected);
  });
});

describe('mountPatternOf: the path argument of use()', () => {
  const fn = () => undefined;
  test('a path', () => expect(mountPatternOf('/api/:id')).toBe('/api/:id'));
  test('an array of paths', () => expect(mountPatternOf(['/a', '/b'])).toBe('[/a,/b]'));
  test('a RegExp', () => expect(mountPatternOf(/^\/x/)).toBe('/^\\/x/'));
  test("'/' (plain middleware) is not a mount", () => expect(mountPatternOf('/')).toBeUndefined());
  test('a function is middleware, not a path', () => expect(mountPatternOf(fn)).toBeUndefined());
  test('an array of functions is middleware', () => expect(mountPatternOf([[fn], fn])).toBeUndefined());
  test('nothing', () => expect(mountPatternOf(undefined)).toBeUndefined());
});

describe('markMountLayers', () => {
  test('marks only the layers added by this use() call', () => {
    const stack: Array<Record<symbol, unknown>> = [{}, {}, {}];
    markMountLayers(stack, 1, '/api');
    expect(stack.map((layer) => layer[kMountPattern])).toEqual([undefined, '/api', '/api']);
  });
});

describe('fullRouteOf: mount stack joined to the route path', () => {
  const noop = () => undefined;

  test('nested mounts', () => {
    const req = request('/api/orgs/7/projects/3');
    enterMount(req, '/api/orgs/:orgId', noop);
    enterMount(req, '/projects/:projectId', noop);
    expect(fullRouteOf(req, { path: '/tasks/:taskId' })).toBe('/api/orgs/:orgId/projects/:projectId/tasks/:taskId');
  });

  test('a mount passing the request on pops its pattern (and those it left above it), then calls next', () => {
    const req = request();
    const calls: unknown[] = [];
    const outerNext = enterMount(req, '/api', (err) => calls.push(err));
    enterMount(req, '/inner', noop);
    outerNext('some error');
    expect(fullRouteOf(req, { path: '/users/:id' })).toBe('/users/:id');
    expect(calls).toEqual(['some error']);
  });

  test('unknown mounts (added before patching) fall back to the base URL', () => {
    expect(fullRouteOf(request('/api/orgs/7'), { path: '/users/:id' })).toBe('/api/orgs/7/users/:id');
  });

  test('non-string route paths are stringified', () => {
    expect(fullRouteOf(request(), { path: ['/a', '/b'] })).toBe('[/a,/b]');
    expect(fullRouteOf(request(), { path: /^\/r\/(\d+)$/ })).toBe('/^\\/r\\/(\\d+)$/');
  });
});

describe('enterRoute', () => {
  test('names the request, and restores the previous name when the route passes it on', () => {
    const rec = record();
    const calls: unknown[] = [];
    const next = enterRoute(rec, request(), response(), { path: '/maybe/:x' }, (err) => calls.push(err));
    expect(rec.route).toBe('/maybe/:x');
    next();
    expect(rec.route).toBeUndefined();
    expect(calls).toEqual([undefined]);
  });

  test('a route that answered, then passed on, keeps its name', () => {
    const rec = record();
    enterRoute(rec, request(), response(true), { path: '/after/:x' }, () => undefined)();
    expect(rec.route).toBe('/after/:x');
  });

  test("next('route') also restores it", () => {
    const rec = record();
    rec.route = '/before';
    enterRoute(rec, request(), response(), { path: '/x' }, () => undefined)('route');
    expect(rec.route).toBe('/before');
  });

  test('an error keeps the route that raised it, and reaches next unchanged', () => {
    const rec = record();
    const error = new Error('boom');
    const calls: unknown[] = [];
    enterRoute(rec, request(), response(), { path: '/error' }, (err) => calls.push(err))(error);
    expect(rec.route).toBe('/error');
    expect(calls[0]).toBe(error);
  });
});
