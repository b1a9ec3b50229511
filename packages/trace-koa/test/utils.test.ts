import { isServerError, routeOf } from '../src/utils';
import { wrapMiddleware } from '../src/utils';
import type { KoaContext } from '../src/types';

const ctx = (fields: Partial<KoaContext>): KoaContext => ({ method: 'GET', state: {}, ...fields }) as KoaContext;
const layer = (path: string | RegExp, methods: string[]) => ({ path, methods });

describe('routeOf', () => {
  it('takes the last matched route layer for the method, not a router middleware matched after it', () => {
    const matched = [layer('/api(.*)', []), layer('/api/users/:id', ['HEAD', 'GET']), layer('/api([^/]*)', [])];
    expect(routeOf(ctx({ matched, _matchedRoute: '/api([^/]*)' }))).toBe('/api/users/:id');
  });

  it('ignores layers of other methods (a 405 is unmatched)', () => {
    expect(routeOf(ctx({ method: 'DELETE', matched: [layer('/users/:id', ['HEAD', 'GET'])] }))).toBeUndefined();
  });

  it('is undefined when the router matched nothing', () => {
    expect(routeOf(ctx({ matched: [] }))).toBeUndefined();
    expect(routeOf(ctx({}))).toBeUndefined();
  });

  it('falls back to _matchedRoute, then routerPath, when there is no matched list', () => {
    expect(routeOf(ctx({ _matchedRoute: '/a/:b', routerPath: '/x' }))).toBe('/a/:b');
    expect(routeOf(ctx({ routerPath: '/x/:y' }))).toBe('/x/:y');
  });

  it('prints a RegExp route', () => {
    expect(routeOf(ctx({ matched: [layer(/^\/files\/(.*)$/, ['GET'])] }))).toBe('/^\\/files\\/(.*)$/');
  });
});

describe('isServerError', () => {
  it.each([
    [new Error('x'), true],
    [Object.assign(new Error('x'), { status: 500 }), true],
    [Object.assign(new Error('x'), { status: 404 }), false],
    [Object.assign(new Error('x'), { statusCode: 400 }), false],
    [Object.assign(new Error('no file'), { code: 'ENOENT' }), false],
    ['a string', true],
    [undefined, true],
  ])('%p → %p', (error, expected) => {
    expect(isServerError(error)).toBe(expected);
  });
});

describe('wrapMiddleware on an untraced request', () => {
  it('calls the middleware with the same this and arguments and returns its value', async () => {
    const seen: unknown[] = [];
    const result = Promise.resolve('value');
    const middleware = function named(this: unknown, c: unknown, n: unknown) {
      seen.push(this, c, n);
      return result;
    };
    const wrapped = wrapMiddleware(middleware);
    const context = ctx({});
    const next = async () => undefined;
    const self = {};
    expect(wrapped.call(self, context, next)).toBe(result);
    expect(seen).toEqual([self, context, next]);
    expect(wrapped.name).toBe('named');
    expect(wrapped.length).toBe(2);
  });

  it('lets a synchronous throw through unchanged', () => {
    const error = new Error('sync');
    const wrapped = wrapMiddleware(() => {
      throw error;
    });
    expect(() => wrapped(ctx({}), async () => undefined)).toThrow(error);
  });
});
