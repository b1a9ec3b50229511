import type { IncomingMessage, ServerResponse } from 'http';
import { checkConfiguration, getRequestRecord, Instrumentation, isRecording, reportFault, unwrapMethod, wrapMethod, type PatchDefinition } from '@spanwise/trace-core';
import type { LayerLike, NextFunction, RouterLike } from './types';
import { enterMount, enterRoute, markMountLayers, mountPatternOf, mountPatternOfLayer, noteError } from './utils';

/**
 * Where Express is hooked, for both majors:
 * - `Router#use`: layers mounted under a path remember their pattern (Express 4 `express/lib/router/index.js`,
 *   Express 5 the `router` package);
 * - `Layer` request handling: a marked layer keeps its pattern on the request's mount stack until it calls
 *   `next`; a route layer names the request; error handling records the error
 *   (Express 4 `lib/router/layer.js` handle_request/handle_error, router 2 `lib/layer.js` handleRequest/handleError);
 * - `Router#handle`: errors that leave a router without meeting a layer (to Express's final handler) are recorded.
 * Route layers need no mark: their `Route` keeps the path it was created with.
 */
type AnyFunction = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
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
  wrapMethod(proto, 'use', wrapUse);
  wrapMethod(proto, 'handle', wrapRouterHandle);
}

function unpatchRouter(proto: RouterProto): void {
  unwrapMethod(proto, 'use');
  unwrapMethod(proto, 'handle');
}

function layerPatch(handleRequest: string, handleError: string): Pick<PatchDefinition<LayerClass>, 'patch' | 'unpatch'> {
  return {
    patch(Layer) {
      wrapMethod(Layer.prototype, handleRequest, wrapHandleRequest);
      wrapMethod(Layer.prototype, handleError, wrapHandleError);
    },
    unpatch(Layer) {
      unwrapMethod(Layer.prototype, handleRequest);
      unwrapMethod(Layer.prototype, handleError);
    },
  };
}

const EXPRESS_4 = '>=4.6.0 <5'; // Layer#handle_request and handle_error, which route capture wraps, appeared in 4.6.0
const ROUTER_2 = '>=2.0.0 <3';

export const PATCHES: PatchDefinition[] = [
  // Express 4: its own router; the exports of lib/router/index.js are the prototype of every router.
  { module: 'express', file: 'lib/router/index.js', versions: EXPRESS_4, patch: patchRouter, unpatch: unpatchRouter },
  { module: 'express', file: 'lib/router/layer.js', versions: EXPRESS_4, ...layerPatch('handle_request', 'handle_error') },
  // Express 5 routes through the `router` package.
  { module: 'router', versions: ROUTER_2, patch: (Router: { prototype: RouterProto }) => patchRouter(Router.prototype), unpatch: (Router: { prototype: RouterProto }) => unpatchRouter(Router.prototype) },
  { module: 'router', file: 'lib/layer.js', versions: ROUTER_2, ...layerPatch('handleRequest', 'handleError') },
];

let instrumentation: Instrumentation | undefined;

/**
 * Install the Express route-capture patches (idempotent): on Express already loaded, and on Express loaded later.
 * `traceMiddleware()` calls it; auto-instrumentation calls it before the app loads Express.
 */
export function patch(): void {
  checkConfiguration();
  (instrumentation ??= new Instrumentation('express', PATCHES)).enable();
}

/** Remove the patches: Express is as it was (spans of `traceMiddleware` are then named `METHOD (unmatched)`). */
export function unpatch(): void {
  instrumentation?.disable();
}

/** @internal Versions patched (`express@4.21.2`, `router@2.2.0`), for diagnostics and tests. */
export function patchedVersions(): string[] {
  return instrumentation ? [...instrumentation.patchedVersions] : [];
}
