import type { IncomingMessage, ServerResponse } from 'http';
import { defineInstrumentation, getRequestRecord, isRecording, reportFault, SERVER_SPAN_OPTION_KEYS, SERVER_SPAN_OPTION_RULES, unwrapMethod, type AnyFunction, type PatchDefinition } from '@spanwise/trace-core';
import { setEntryMiddleware, spanMiddleware, wrapAppHandle } from './entry';
import type { ExpressTraceOptions, LayerLike, NextFunction, RouterLike } from './types';
import { enterMount, enterRoute, markMountLayers, mountPatternOf, mountPatternOfLayer, noteError } from './utils';

/**
 * Where Express is hooked, for both majors:
 * - `app.handle` (`express/lib/application.js`): the request entry point, for `patch()` (see entry.ts);
 * - `Router#use`: layers mounted under a path remember their pattern (Express 4 `express/lib/router/index.js`,
 *   Express 5 the `router` package);
 * - `Layer` request handling: a marked layer keeps its pattern on the request's mount stack until it calls
 *   `next`; a route layer names the request; error handling records the error
 *   (Express 4 `lib/router/layer.js` handle_request/handle_error, router 2 `lib/layer.js` handleRequest/handleError);
 * - `Router#handle`: errors that leave a router without meeting a layer (to Express's final handler) are recorded.
 * Route layers need no mark: their `Route` keeps the path it was created with.
 */
type RouterProto = RouterLike & Record<string, unknown>;
type LayerClass = { prototype: LayerLike & Record<string, unknown> };

function wrapUse(original: AnyFunction): AnyFunction {
  return function use(this: RouterLike) {
    const pattern = mountPatternOf(arguments[0]);
    if (pattern === undefined) return original.apply(this, arguments as unknown as unknown[]);
    const before = Array.isArray(this?.stack) ? this.stack.length : -1;
    const result = original.apply(this, arguments as unknown as unknown[]);
    if (before !== -1) {
      try {
        markMountLayers(this.stack, before, pattern);
      } catch (error) {
        reportFault('express Router#use', error);
      }
    }
    return result;
  };
}

/** The app's own router runs the middleware that starts the span: its `out` is wrapped before that, for every request. */
function wrapRouterHandle(original: AnyFunction): AnyFunction {
  return function handle(this: unknown, req: IncomingMessage, res: ServerResponse, out: unknown) {
    if (typeof out !== 'function' || arguments.length !== 3) {
      return original.apply(this, arguments as unknown as unknown[]);
    }
    const done = out as NextFunction;
    return original.call(this, req, res, function routerDone(this: unknown, err?: unknown) {
      noteError(req, err);
      return done.apply(this, arguments as unknown as [unknown]);
    });
  };
}

function wrapHandleRequest(original: AnyFunction): AnyFunction {
  return function handleRequest(this: LayerLike, req: IncomingMessage, res: ServerResponse, next: NextFunction) {
    const mount = mountPatternOfLayer(this);
    const route = this.route;
    // Plain middleware and the handlers inside a route: nothing to do, nothing allocated.
    if (mount === undefined && !route) return original.apply(this, arguments as unknown as unknown[]);
    const record = getRequestRecord(req);
    // Untraced or unsampled (never reported): no name to compute.
    if (record === undefined || !isRecording(record.span) || typeof next !== 'function' || arguments.length !== 3) {
      return original.apply(this, arguments as unknown as unknown[]);
    }
    return original.call(this, req, res, route ? enterRoute(record, req, res, route, next) : enterMount(req, mount!, next));
  };
}

function wrapHandleError(original: AnyFunction): AnyFunction {
  return function handleError(this: LayerLike, error: unknown, req: IncomingMessage) {
    noteError(req, error);
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

function patchRouter(proto: RouterProto): void {
  instrumentation.wrap(proto, 'use', wrapUse);
  instrumentation.wrap(proto, 'handle', wrapRouterHandle);
}

function unpatchRouter(proto: RouterProto): void {
  unwrapMethod(proto, 'use');
  unwrapMethod(proto, 'handle');
}

function layerPatch(handleRequest: string, handleError: string): Pick<PatchDefinition<LayerClass>, 'patch' | 'unpatch'> {
  return {
    patch(Layer) {
      instrumentation.wrap(Layer.prototype, handleRequest, wrapHandleRequest);
      instrumentation.wrap(Layer.prototype, handleError, wrapHandleError);
    },
    unpatch(Layer) {
      unwrapMethod(Layer.prototype, handleRequest);
      unwrapMethod(Layer.prototype, handleError);
    },
  };
}

const EXPRESS_4 = '>=4.15.0 <5'; // Layer#handle_request appeared in 4.6.0; before 4.15.0 Express reads res._headers, which Node 24 removed
const ROUTER_2 = '>=2.0.0 <3';

type Application = Record<string, unknown>;

export const PATCHES: PatchDefinition[] = [
  // Express 4: its own router; the exports of lib/router/index.js are the prototype of every router.
  { module: 'express', file: 'lib/router/index.js', versions: EXPRESS_4, patch: patchRouter, unpatch: unpatchRouter },
  { module: 'express', file: 'lib/router/layer.js', versions: EXPRESS_4, ...layerPatch('handle_request', 'handle_error') },
  // Express 5 routes through the `router` package (its dependency: not a peer of this package).
  { module: 'router', versions: ROUTER_2, peer: false, patch: (Router: { prototype: RouterProto }) => patchRouter(Router.prototype), unpatch: (Router: { prototype: RouterProto }) => unpatchRouter(Router.prototype) },
  { module: 'router', file: 'lib/layer.js', versions: ROUTER_2, peer: false, ...layerPatch('handleRequest', 'handleError') },
];

const applicationHandle: PatchDefinition<Application> = {
  module: 'express',
  file: 'lib/application.js',
  versions: '>=4.15.0 <6', // as the route capture below
  patch: (app) => instrumentation.wrap(app, 'handle', wrapAppHandle),
  unpatch: (app) => unwrapMethod(app, 'handle'),
};

/**
 * `patch(options)`: every Express app in the process is traced with no `app.use(...)` (what the register does), its
 * route captured. `traceMiddleware()` installs the route-capture hooks only. `unpatch()` restores Express (spans of a
 * mounted `traceMiddleware` are then named `METHOD (unmatched)`).
 */
export const instrumentation = defineInstrumentation({
  name: 'express',
  packageName: '@spanwise/trace-express',
  hooks: [applicationHandle, ...PATCHES],
  options: { keys: SERVER_SPAN_OPTION_KEYS, rules: SERVER_SPAN_OPTION_RULES, resolve: (options: ExpressTraceOptions | undefined): ExpressTraceOptions => options ?? {} },
  onPatch: (options) => setEntryMiddleware(spanMiddleware(options)),
  onUnpatch: () => setEntryMiddleware(undefined),
});

export const { patch, unpatch, isEnabled, patchedVersions } = instrumentation;
