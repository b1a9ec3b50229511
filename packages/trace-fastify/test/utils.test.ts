import * as path from 'path';
import { isServerError, routeOf, wrapHook } from '../src/utils';
import type { FastifyRequestLike } from '../src/types';

const request = (fields: Partial<FastifyRequestLike>): FastifyRequestLike => ({ method: 'GET', raw: {}, ...fields }) as FastifyRequestLike;

describe('routeOf', () => {
  it('reads routeOptions.url (the full pattern, prefixes included)', () => {
    expect(routeOf(request({ routeOptions: { url: '/api/mid/:id' } }))).toBe('/api/mid/:id');
  });

  it('is undefined for 404s', () => {
    expect(routeOf(request({ routeOptions: { url: undefined }, is404: true }))).toBeUndefined();
    expect(routeOf(request({ routeOptions: { url: '*' }, is404: true }))).toBeUndefined();
  });

  it('reads routerPath only where routeOptions does not exist (Fastify 4 before 4.10)', () => {
    expect(routeOf(request({ routerPath: '/old/:id' }))).toBe('/old/:id');
    const warnsOnRead = request({ routeOptions: { url: '/new/:id' } });
    Object.defineProperty(warnsOnRead, 'routerPath', {
      get() {
        throw new Error('routerPath read');
      },
    });
    expect(routeOf(warnsOnRead)).toBe('/new/:id');
  });
});

describe('isServerError', () => {
  it.each([
    [new Error('x'), true],
    [Object.assign(new Error('x'), { statusCode: 503 }), true],
    [Object.assign(new Error('x'), { statusCode: 400 }), false],
    [Object.assign(new Error('x'), { status: 404 }), false],
    [null, true],
  ])('%p → %p', (error, expected) => {
    expect(isServerError(error)).toBe(expected);
  });
});

describe('wrapHook', () => {
  it('keeps an async hook an async function, with its name and arity', () => {
    const wrapped = wrapHook('onRequest', async function authenticate(_request: unknown, _reply: unknown) {});
    expect(wrapped.constructor.name).toBe('AsyncFunction');
    expect(wrapped.name).toBe('authenticate');
    expect(wrapped.length).toBe(2);
  });

  it('keeps a callback hook a plain function, passing this, arguments and done through on untraced requests', () => {
    const calls: unknown[][] = [];
    const hook = function loadUser(this: unknown, req: unknown, reply: unknown, done: () => void) {
      calls.push([this, req, reply, done]);
      done();
    };
    const wrapped = wrapHook('preHandler', hook);
    expect(wrapped.constructor.name).toBe('Function');
    expect(wrapped.length).toBe(3);
    const done = jest.fn();
    const self = {};
    const req = request({});
    wrapped.call(self, req, 'reply', done);
    expect(calls).toEqual([[self, req, 'reply', done]]);
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('returns the async hook\'s value and rejection unchanged', async () => {
    const error = new Error('nope');
    await expect(wrapHook('preHandler', async () => 'value')(request({}), {})).resolves.toBe('value');
    await expect(wrapHook('preHandler', async () => Promise.reject(error))(request({}), {})).rejects.toBe(error);
  });
});

describe.each(['fastify4', 'fastify5'])('with hookSpans, Fastify still validates hooks itself (%s)', (fixture) => {
  // The plugin is not a require-time patch, so the real Fastify can run in jest here.
  const Fastify = require(require.resolve('fastify', { paths: [path.join(__dirname, '../../../fixtures', fixture)] }));
  const { traceMiddleware } = require('../src');

  async function addHookError(hookSpans: boolean): Promise<string | undefined> {
    const app = Fastify();
    await app.register(traceMiddleware({ hookSpans }));
    try {
      app.addHook('onRequest', async (_req: unknown, _reply: unknown, _done: unknown) => undefined);
      await app.ready();
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code;
    } finally {
      await app.close();
    }
  }

  it('an async hook declaring done is refused with the same error as without the plugin\'s wrapping', async () => {
    const plain = await addHookError(false);
    expect(plain).toBe('FST_ERR_HOOK_INVALID_ASYNC_HANDLER');
    expect(await addHookError(true)).toBe(plain);
  });

  it('registering the plugin twice is harmless, and it leaves `span` free for the app to decorate', async () => {
    const app = Fastify();
    await app.register(traceMiddleware());
    await app.register(traceMiddleware());
    // The plugin used to decorate `span`: an app's own decorator then failed ready() with FST_ERR_DEC_ALREADY_PRESENT.
    expect(app.hasRequestDecorator('span')).toBe(false);
    app.decorateRequest('span', null);
    await expect(app.ready()).resolves.toBeDefined();
    expect(app.hasRequestDecorator('span')).toBe(true);
    await app.close();
  });
});
