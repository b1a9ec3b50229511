/**
 * The request entry-point wrappers auto mode relies on (defined by trace-core, trace-express and trace-koa), called directly (no require hooks): they call the original exactly once with the
 * same `this` and arguments, return what it returns, let its errors through unchanged, and survive their own faults.
 */
import { EventEmitter } from 'events';
import type { IncomingMessage, ServerResponse } from 'http';
import { getActiveSpan, getRequestRecord, setLogLevel } from '@spanwise/trace-core';
import { patchServer as patchHttpServer, unpatchServer as unpatchHttpServer } from '@spanwise/trace-http';
import { traceFrameworkServer, traceFrameworkServers as setFrameworkOptions, wrapEmit } from '../../trace-core/src/server-entry';
import { setEntryMiddleware as setExpressEntry, wrapAppHandle } from '../../trace-express/src/entry';
import type { RequestHandler as ExpressMiddleware } from '../../trace-express/src/types';
import { setEntryMiddleware as setKoaEntry, wrapHandleRequest } from '../../trace-koa/src/entry';
import type { KoaMiddleware } from '../../trace-koa/src/types';
import { inMemoryTracer } from '../../../test-support/in-memory-tracer';

type AnyFunction = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- jest mocks of library functions of any signature

const enableExpress = (middleware: ExpressMiddleware) => setExpressEntry(middleware);
const disableExpress = () => setExpressEntry(undefined);
const enableKoa = (middleware: (ctx: unknown, next: () => Promise<unknown>) => Promise<unknown>) => setKoaEntry(middleware as KoaMiddleware);
const disableKoa = () => setKoaEntry(undefined);

function fakeExchange(url = '/x'): { req: IncomingMessage; res: ServerResponse } {
  const req = Object.assign(new EventEmitter(), { method: 'GET', url, headers: {}, socket: {} }) as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), { statusCode: 200, req, writableFinished: true }) as unknown as ServerResponse;
  return { req, res };
}

beforeAll(() => {
  inMemoryTracer();
  setLogLevel('silent');
});

describe('http server emit wrapper', () => {
  afterEach(() => unpatchHttpServer());

  it('passes other events through with the same this, arguments and return value, and no span', () => {
    patchHttpServer();
    const server = {};
    const original = jest.fn(function (this: unknown) {
      expect(getActiveSpan()).toBeUndefined();
      return 'returned';
    });
    const emit = wrapEmit(original);
    expect(emit.call(server, 'connection', 1, 2, 3)).toBe('returned');
    expect(original).toHaveBeenCalledTimes(1);
    expect(original.mock.contexts[0]).toBe(server);
    expect(original.mock.calls[0]).toEqual(['connection', 1, 2, 3]);
  });

  it("runs 'request' listeners inside the request's server span (named by method), returning what emit returned", () => {
    patchHttpServer();
    const { req, res } = fakeExchange();
    let active: unknown;
    const emit = wrapEmit(function (this: unknown) {
      active = getActiveSpan();
      return true;
    });
    expect(emit.call({}, 'request', req, res)).toBe(true);
    const record = getRequestRecord(req)!;
    expect(record.component).toBe('http');
    expect(active).toBe(record.span);
    res.emit('close');
    expect(record.finished).toBe(true);
    expect((record.span as unknown as { operationName?: string; _operationName: string })._operationName).toBe('GET');
  });

  it('an error thrown by a listener reaches the emitter unchanged', () => {
    patchHttpServer();
    const { req, res } = fakeExchange();
    const failure = new Error('listener failed');
    const emit = wrapEmit(() => {
      throw failure;
    });
    expect(() => emit.call({}, 'request', req, res)).toThrow(failure);
  });

  it('makes no span when unpatched (a wrapper someone still holds) or when the event carries no response', () => {
    const original = jest.fn(() => false);
    const emit = wrapEmit(original);
    const { req, res } = fakeExchange();
    expect(emit.call({}, 'request', req, res)).toBe(false);
    expect(getRequestRecord(req)).toBeUndefined();
    patchHttpServer();
    const other = fakeExchange();
    expect(emit.call({}, 'request', other.req, 'not a response')).toBe(false);
    expect(getRequestRecord(other.req)).toBeUndefined();
    expect(original).toHaveBeenCalledTimes(2);
  });
});

describe('framework servers at the http-server layer (Fastify in auto mode)', () => {
  afterEach(() => setFrameworkOptions('fastify', undefined));

  const withListener = (listener: AnyFunction) => Object.assign(new EventEmitter(), {}).on('request', listener);

  it("a registered server's requests, and those of another server with the same request listener, are the framework's, also with plain servers untraced", () => {
    const handler = () => undefined;
    const primary = withListener(handler);
    const extra = withListener(handler);
    const plain = withListener(() => undefined);
    traceFrameworkServer(primary, 'fastify');
    setFrameworkOptions('fastify', {});
    const emit = wrapEmit(() => true);
    const exchanges = [primary, extra, plain].map((server) => {
      const exchange = fakeExchange();
      emit.call(server, 'request', exchange.req, exchange.res);
      return exchange;
    });
    expect(exchanges.map(({ req }) => getRequestRecord(req)?.component)).toEqual(['fastify', 'fastify', undefined]);
  });

  it('no options for the framework (disabled): its servers are left alone', () => {
    const server = withListener(() => undefined);
    traceFrameworkServer(server, 'fastify');
    const { req, res } = fakeExchange();
    wrapEmit(() => true).call(server, 'request', req, res);
    expect(getRequestRecord(req)).toBeUndefined();
  });
});

describe('Express app.handle wrapper', () => {
  afterEach(() => disableExpress());
  const app = { name: 'app' };

  function handleWith(middleware: ExpressMiddleware | undefined, original: AnyFunction): AnyFunction {
    if (middleware) enableExpress(middleware);
    return wrapAppHandle(original);
  }

  it('runs the middleware, then the app once, with the same this and arguments, returning its value', () => {
    const order: string[] = [];
    const original = jest.fn(() => {
      order.push('app');
      return 'app result';
    });
    const handle = handleWith((req, res, next) => {
      order.push('middleware');
      next();
    }, original);
    const { req, res } = fakeExchange();
    const done = () => undefined;
    expect(handle.call(app, req, res, done)).toBe('app result');
    expect(order).toEqual(['middleware', 'app']);
    expect(original.mock.contexts[0]).toBe(app);
    expect(original.mock.calls[0]).toEqual([req, res, done]);
  });

  it('the app still runs, once, when the middleware throws before calling on, or calls on late', () => {
    const original = jest.fn();
    let late: (() => void) | undefined;
    const { req, res } = fakeExchange();
    handleWith(() => {
      throw new Error('middleware fault');
    }, original).call(app, req, res);
    expect(original).toHaveBeenCalledTimes(1);
    disableExpress();
    handleWith((_req, _res, next) => {
      late = next;
    }, original).call(app, req, res);
    late!();
    expect(original).toHaveBeenCalledTimes(2);
  });

  it("the app's own synchronous error goes through unchanged", () => {
    const failure = new Error('app failed');
    const handle = handleWith((req, res, next) => next(), () => {
      throw failure;
    });
    const { req, res } = fakeExchange();
    expect(() => handle.call(app, req, res)).toThrow(failure);
  });

  it('a mounted sub-app (the request already has an Express span) and a disabled instrumentation skip the middleware', () => {
    const middleware = jest.fn();
    const original = jest.fn(() => 'sub');
    const handle = handleWith(middleware, original);
    const { req, res } = fakeExchange();
    patchHttpServer();
    wrapEmit(() => true).call({}, 'request', req, res);
    unpatchHttpServer();
    getRequestRecord(req)!.component = 'express';
    expect(handle.call(app, req, res)).toBe('sub');
    disableExpress();
    expect(handle.call(app, fakeExchange().req, res)).toBe('sub');
    expect(middleware).not.toHaveBeenCalled();
    expect(original).toHaveBeenCalledTimes(2);
  });
});

describe('Koa handleRequest wrapper', () => {
  afterEach(() => disableKoa());

  it('precedes the composed middleware with the trace middleware; same this, ctx, and returned promise', async () => {
    const order: string[] = [];
    enableKoa(async (ctx, next) => {
      order.push('trace');
      return next();
    });
    const koaApp = { name: 'koa app' };
    const ctx = { path: '/' };
    const composed = jest.fn(async (_ctx: unknown) => {
      order.push('app');
      return 'composed';
    });
    const original = jest.fn(function (this: unknown, c: unknown, fn: AnyFunction) {
      return fn(c);
    });
    const handleRequest = wrapHandleRequest(original);
    await expect(handleRequest.call(koaApp, ctx, composed)).resolves.toBe('composed');
    expect(order).toEqual(['trace', 'app']);
    expect(original.mock.contexts[0]).toBe(koaApp);
    expect(original.mock.calls[0][0]).toBe(ctx);
    expect(composed.mock.calls[0][0]).toBe(ctx);
    // One traced composition per app callback: nothing rebuilt per request.
    await handleRequest.call(koaApp, ctx, composed);
    expect(original.mock.calls[1][1]).toBe(original.mock.calls[0][1]);
  });

  it('rejections of the app reach Koa unchanged; disabled, the original gets its own arguments', async () => {
    const failure = new Error('koa app failed');
    enableKoa(async (ctx, next) => next());
    const handleRequest = wrapHandleRequest((ctx: unknown, fn: AnyFunction) => fn(ctx));
    await expect(handleRequest.call({}, {}, async () => Promise.reject(failure))).rejects.toBe(failure);
    disableKoa();
    const composed = async () => 'plain';
    const original = jest.fn((ctx: unknown, fn: AnyFunction) => fn(ctx));
    await expect(wrapHandleRequest(original).call({}, {}, composed)).resolves.toBe('plain');
    expect(original.mock.calls[0][1]).toBe(composed);
  });
});
