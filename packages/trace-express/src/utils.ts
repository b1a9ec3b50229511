import type { IncomingMessage, ServerResponse } from 'http';
import { recordRequestError, reportFault, type RequestRecord } from '@spanwise/trace-core';
import type { LayerLike, NextFunction, RouteLike } from './types';

/**
 * What Express route capture records. Express keeps no mount pattern on its layers (only a compiled matcher),
 * so `Router#use` marks each new layer mounted under a path with its pattern; while such a layer handles a
 * request, its pattern is on the request's mount stack, and a route layer names the request with the stack
 * joined to its own path (`/api/orgs/:orgId` + `/users/:id`).
 */

/** The mount pattern of a layer added by `use(path, ...)`; absent for middleware mounted at '/'. */
export const kMountPattern = Symbol.for('spanwise.express.mountPattern');
/**
 * Per request: the mount patterns of the layers currently handling it, outermost first. Kept beside the request, not
 * on it, so the app's `util.inspect(req)` and `Object.getOwnPropertySymbols(req)` are what they are without tracing.
 */
const mountStacks = new WeakMap<IncomingMessage, string[]>();
/** Per route with a non-string path: its pattern, stringified once. */
const kRoutePattern = Symbol.for('spanwise.express.routePattern');

type MarkedLayer = LayerLike & { [kMountPattern]?: string };
type RequestWithBase = IncomingMessage & { baseUrl?: string };
type PatternedRoute = RouteLike & { [kRoutePattern]?: string };

/**
 * A path as written by the app, as a string: strings as they are, RegExps as their literal (`/^\/v\d+/i`),
 * arrays as `[a,b]` (one element: that element).
 */
export function patternOf(path: unknown): string {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return String(path);
  if (Array.isArray(path)) return path.length === 1 ? patternOf(path[0]) : `[${path.map(patternOf).join(',')}]`;
  return String(path);
}

/** `prefix` + `suffix` with exactly one '/' between them; a route '/' under a mount is the mount itself. */
export function joinPattern(prefix: string, suffix: string): string {
  if (prefix === '' || prefix === '/') return suffix;
  if (suffix === '' || suffix === '/') return prefix;
  const prefixSlash = prefix.endsWith('/');
  const suffixSlash = suffix.startsWith('/');
  if (prefixSlash && suffixSlash) return prefix + suffix.slice(1);
  if (!prefixSlash && !suffixSlash) return `${prefix}/${suffix}`;
  return prefix + suffix;
}

/**
 * The mount pattern of `use(...)` arguments, as `Router#use` reads them: the first argument unless it is (an
 * array starting with) a function. Undefined for '/' (or no path), so plain middleware costs nothing.
 */
export function mountPatternOf(first: unknown): string | undefined {
  if (typeof first === 'function' || first === undefined || first === null || first === '/') return undefined;
  let arg = first;
  while (Array.isArray(arg) && arg.length !== 0) arg = arg[0];
  if (typeof arg === 'function') return undefined;
  return patternOf(first);
}

/** Mark the layers `use()` just added (from index `from`) with their mount pattern. */
export function markMountLayers(stack: unknown, from: number, pattern: string): void {
  if (!Array.isArray(stack)) return;
  for (let i = from; i < stack.length; i++) {
    const layer = stack[i] as MarkedLayer | undefined;
    if (layer && typeof layer === 'object') layer[kMountPattern] = pattern;
  }
}

export function mountPatternOfLayer(layer: LayerLike): string | undefined {
  return (layer as MarkedLayer)[kMountPattern];
}

/**
 * A mount layer starts handling `req`: push its pattern. Returns the `next` to hand the layer, which pops it (and
 * whatever the layer left above it) when the layer passes the request on.
 */
export function enterMount(req: IncomingMessage, pattern: string, next: NextFunction): NextFunction {
  let stack: string[];
  try {
    stack = mountStackOf(req);
  } catch (error) {
    reportFault('express route capture', error);
    return next;
  }
  const depth = stack.length;
  stack.push(pattern);
  return function mountPassedOn(this: unknown) {
    if (stack.length > depth) stack.length = depth;
    return next.apply(this, arguments as unknown as [unknown]);
  };
}

function mountStackOf(req: IncomingMessage): string[] {
  let stack = mountStacks.get(req);
  if (stack === undefined) mountStacks.set(req, (stack = []));
  return stack;
}

function routePatternOf(route: RouteLike): string {
  const path = route.path;
  if (typeof path === 'string') return path;
  const patterned = route as PatternedRoute;
  return (patterned[kRoutePattern] ??= patternOf(path));
}

/**
 * The full pattern of `route` handling `req`: the mount stack joined to the route's path. When no mount pattern
 * is known (routers mounted before patching), the concrete `req.baseUrl` stands in for them.
 */
export function fullRouteOf(req: IncomingMessage, route: RouteLike): string {
  const own = routePatternOf(route);
  const stack = mountStacks.get(req);
  if (stack !== undefined && stack.length !== 0) {
    let prefix = stack[0];
    for (let i = 1; i < stack.length; i++) prefix = joinPattern(prefix, stack[i]);
    return joinPattern(prefix, own);
  }
  const baseUrl = (req as RequestWithBase).baseUrl;
  return typeof baseUrl === 'string' && baseUrl !== '' ? joinPattern(baseUrl, own) : own;
}

/**
 * A route layer starts handling `req`: name the request after it. Returns the `next` to hand the layer: if the
 * route passes the request on without an error and without having answered, the previous name comes back.
 */
export function enterRoute(record: RequestRecord, req: IncomingMessage, res: ServerResponse, route: RouteLike, next: NextFunction): NextFunction {
  const previous = record.route;
  try {
    record.route = fullRouteOf(req, route);
  } catch (error) {
    reportFault('express route capture', error);
    return next;
  }
  return function routePassedOn(this: unknown, err?: unknown) {
    if ((!err || err === 'route' || err === 'router') && !res.headersSent) record.route = previous;
    return next.apply(this, arguments as unknown as [unknown]);
  };
}

/** An error the app raised (thrown, rejected or passed to `next`) reached an Express layer or left a router. */
export function noteError(req: IncomingMessage, error: unknown): void {
  if (!error || error === 'route' || error === 'router') return;
  try {
    recordRequestError(req, error);
  } catch (fault) {
    reportFault('express error capture', fault);
  }
}
