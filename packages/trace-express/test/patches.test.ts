/**
 * The Layer/Router wrappers applied directly to Express 4's and router 2's classes (jest's module registry: no
 * require hooks needed). What they must never change: the `next` plain middleware receives, `this`, return values.
 */
import * as path from 'path';
import type { IncomingMessage, ServerResponse } from 'http';
import { Span, SpanContext, Tracer } from 'opentracing';
import { getRequestRecord, init, isWrapped, startServerSpan } from '@spanwise/trace-core';
import { instrumentation, PATCHES } from '../src/instrumentation';
import { fullRouteOf, kMountPattern } from '../src/utils';
import { MAJORS } from './helpers';

type Handler = (...args: unknown[]) => unknown;
type LayerInstance = { handle: Handler; route?: unknown; [key: string]: unknown; [kMountPattern]?: string };
type LayerClass = { new (path: unknown, options: unknown, fn: Handler): LayerInstance; prototype: Record<string, Handler> };

function loadLayer(dir: string): { Layer: LayerClass; handleRequest: string; definition: (typeof PATCHES)[number] } {
  const expressDir = path.dirname(require.resolve('express', { paths: [dir] }));
  const version = require(path.join(expressDir, 'package.json')).version as string;
  if (version.startsWith('4.')) {
    return { Layer: require(path.join(expressDir, 'lib/router/layer.js')), handleRequest: 'handle_request', definition: PATCHES[1] };
  }
  return { Layer: require(require.resolve('router/lib/layer.js', { paths: [expressDir] })), handleRequest: 'handleRequest', definition: PATCHES[3] };
}

/** A request with a live span record, as the middleware leaves it. */
function tracedRequest(): { req: IncomingMessage; res: ServerResponse } {
  const { EventEmitter } = require('events');
  const res = Object.assign(new EventEmitter(), { statusCode: 200, headersSent: false }) as unknown as ServerResponse;
  const req = Object.assign(new EventEmitter(), { method: 'GET', url: '/x', headers: {}, socket: {}, res }) as unknown as IncomingMessage;
  (res as unknown as { req: IncomingMessage }).req = req;
  startServerSpan(req, res, 'express', {});
  return { req, res };
}

// A no-op tracer: spans exist (records are made), nothing is reported, no handles stay open. The instrumentation is
// enabled: its wrappers call the original as is otherwise (the rule for wrappers that outlive unpatch()).
beforeAll(() => {
  init({ tracer: new Tracer(), flushOnExit: false, logLevel: 'silent' });
  instrumentation.enable();
});
afterAll(() => instrumentation.unpatch());

describe.each(MAJORS)('$name Layer patch', ({ dir }) => {
  const { Layer, handleRequest, definition } = loadLayer(dir);
  const originalHandle = Layer.prototype[handleRequest];
  const info = { name: definition.module, basedir: '', version: '' };

  beforeAll(() => definition.patch(Layer, info));
  afterAll(() => definition.unpatch(Layer, info));

  test('is installed, keeping name and arity', () => {
    expect(isWrapped(Layer.prototype[handleRequest])).toBe(true);
    expect(Layer.prototype[handleRequest].length).toBe(originalHandle.length);
    expect(Layer.prototype[handleRequest].name).toBe(originalHandle.name);
  });

  test('plain middleware gets the very same arguments, next included', () => {
    const { req, res } = tracedRequest();
    const next = jest.fn();
    const seen: unknown[] = [];
    const layer = new Layer('/', { end: false }, function (this: unknown, ...args: unknown[]) {
      seen.push(...args);
    });
    Layer.prototype[handleRequest].call(layer, req, res, next);
    expect(seen).toEqual([req, res, next]);
    expect(seen[2]).toBe(next);
  });

  test('a mount layer keeps its pattern while it runs; its next pops it and reaches the router', () => {
    const { req, res } = tracedRequest();
    const next = jest.fn();
    let inside: string | undefined;
    const layer = new Layer('/api/:id', { end: false }, (_req: unknown, _res: unknown, nextFn: unknown) => {
      inside = fullRouteOf(req, { path: '/users' });
      (nextFn as Handler)('err');
    });
    layer[kMountPattern] = '/api/:id';
    Layer.prototype[handleRequest].call(layer, req, res, next);
    expect(inside).toBe('/api/:id/users');
    expect(fullRouteOf(req, { path: '/users' })).toBe('/users');
    expect(next).toHaveBeenCalledWith('err');
  });

  test('a thrown error still reaches next, as without the patch', () => {
    const { req, res } = tracedRequest();
    const error = new Error('sync');
    const next = jest.fn();
    const layer = new Layer('/users', { end: true }, () => {
      throw error;
    });
    layer.route = { path: '/users/:id' };
    Layer.prototype[handleRequest].call(layer, req, res, next);
    expect(next).toHaveBeenCalledWith(error);
    expect(getRequestRecord(req)!.route).toBe('/users/:id');
  });

  test('unsampled requests: no route computed, next untouched', () => {
    class UnsampledSpan extends Span {
      protected override _context(): SpanContext {
        return Object.assign(new SpanContext(), { isSampled: () => false, samplingFinalized: true });
      }
    }
    class UnsampledTracer extends Tracer {
      protected override _startSpan(): Span {
        return new UnsampledSpan();
      }
    }
    init({ tracer: new UnsampledTracer(), flushOnExit: false, logLevel: 'silent' });
    try {
      const { req, res } = tracedRequest();
      const next = jest.fn();
      const seen: unknown[] = [];
      const layer = new Layer('/users/:id', { end: true }, (...args: unknown[]) => seen.push(...args));
      layer.route = { path: '/users/:id' };
      Layer.prototype[handleRequest].call(layer, req, res, next);
      expect(seen[2]).toBe(next);
      expect(getRequestRecord(req)!.route).toBeUndefined();
    } finally {
      init({ tracer: new Tracer(), flushOnExit: false, logLevel: 'silent' });
    }
  });

  test('unpatch restores the original', () => {
    definition.unpatch(Layer, info);
    expect(Layer.prototype[handleRequest]).toBe(originalHandle);
    definition.patch(Layer, info);
  });
});
