import * as diagnosticsChannel from 'diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'http';
import { getRequestRecord, Instrumentation, log, reportFault, satisfiesVersion, unwrapMethod, warnOnce, wrapMethod, type PatchDefinition } from '@spanwise/trace-core';

/**
 * Where the frameworks are hooked so that their adapter's middleware runs for every app with no `app.use(...)`:
 * - Express 4/5: `app.handle(req, res, callback)` of `express/lib/application.js`, the prototype every app copies
 *   its methods from when `express()` creates it; the wrapper runs the adapter's middleware, then the app.
 * - Koa 2/3: `Application.prototype.handleRequest(ctx, fnMiddleware)`; the app's composed middleware is
 *   preceded by the adapter's middleware.
 * - Fastify 4/5: the `fastify.initialization` diagnostics channel, published with each new instance; the
 *   adapter's plugin is registered on it before the app's own plugins. No module patch: works for ESM too.
 * Each adapter adopts the request's server span when the http-server layer (or the app's own middleware)
 * already made one, so a request keeps exactly one server span.
 */
type AnyFunction = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Next = (error?: unknown) => void;
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: Next) => unknown;
export type KoaMiddleware = (ctx: unknown, next: () => Promise<unknown>) => Promise<unknown>;
export type FastifyPlugin = AnyFunction;

export const EXPRESS_VERSIONS = '>=4.0.0 <6';
export const KOA_VERSIONS = '>=2.0.0 <4';
export const FASTIFY_VERSIONS = '>=4.0.0 <6';

const state: { express?: ExpressMiddleware; koa?: KoaMiddleware; fastify?: FastifyPlugin } = {};

// --- Express -------------------------------------------------------------------------------------------

/** @internal Exported for tests. */
export function wrapAppHandle(original: AnyFunction): AnyFunction {
  return function handle(this: unknown, req: IncomingMessage, res: ServerResponse) {
    const middleware = state.express;
    // A mounted sub-app runs inside its parent's request: the parent already traced it.
    if (middleware === undefined || arguments.length < 2 || getRequestRecord(req)?.component === 'express') {
      return original.apply(this, arguments as unknown as unknown[]);
    }
    return runBefore(middleware, original, this, arguments as unknown as unknown[], req, res);
  };
}

/**
 * Run the trace middleware, then the app, exactly once. The middleware calls on synchronously; should it fail
 * before that (or not call on at once), the app runs untraced, and a late call on is ignored.
 */
function runBefore(middleware: ExpressMiddleware, original: AnyFunction, app: unknown, args: unknown[], req: IncomingMessage, res: ServerResponse): unknown {
  let ran = false;
  let result: unknown;
  const runApp = () => {
    if (ran) return;
    ran = true;
    result = original.apply(app, args);
  };
  try {
    middleware(req, res, runApp);
  } catch (error) {
    if (ran) throw error; // the app's own error, thrown through the middleware: unchanged
    reportFault('express auto-instrumentation', error);
  }
  if (!ran) runApp();
  return result;
}

const expressInstrumentation = new Instrumentation('express (auto)', [
  {
    module: 'express',
    file: 'lib/application.js',
    versions: EXPRESS_VERSIONS,
    patch: (app: object) => wrapMethod(app, 'handle', wrapAppHandle),
    unpatch: (app: object) => unwrapMethod(app, 'handle'),
  },
]);

export function enableExpress(middleware: ExpressMiddleware): void {
  state.express = middleware;
  expressInstrumentation.enable();
}

export function disableExpress(): void {
  state.express = undefined;
  expressInstrumentation.disable();
}

// --- Koa -----------------------------------------------------------------------------------------------

/** One traced composition per app callback (Koa composes once per `callback()`): nothing allocated per request but the continuation. */
const tracedCompositions = new WeakMap<AnyFunction, AnyFunction>();

function traced(fnMiddleware: AnyFunction, middleware: KoaMiddleware): AnyFunction {
  let composed = tracedCompositions.get(fnMiddleware);
  if (composed === undefined) {
    composed = function tracedMiddleware(ctx: unknown, next?: () => Promise<unknown>) {
      return middleware(ctx, () => fnMiddleware(ctx, next));
    };
    tracedCompositions.set(fnMiddleware, composed);
  }
  return composed;
}

/** @internal Exported for tests. */
export function wrapHandleRequest(original: AnyFunction): AnyFunction {
  return function handleRequest(this: unknown, ctx: unknown, fnMiddleware: unknown) {
    const middleware = state.koa;
    if (middleware === undefined || typeof fnMiddleware !== 'function' || arguments.length !== 2) {
      return original.apply(this, arguments as unknown as unknown[]);
    }
    return original.call(this, ctx, traced(fnMiddleware as AnyFunction, middleware));
  };
}

type KoaClass = { prototype: object };

const koaDefinition: PatchDefinition<KoaClass> = {
  module: 'koa',
  versions: KOA_VERSIONS,
  patch: (Application) => wrapMethod(Application?.prototype, 'handleRequest', wrapHandleRequest),
  unpatch: (Application) => unwrapMethod(Application?.prototype, 'handleRequest'),
};

const koaInstrumentation = new Instrumentation('koa (auto)', [koaDefinition]);

export function enableKoa(middleware: KoaMiddleware): void {
  state.koa = middleware;
  koaInstrumentation.enable();
}

export function disableKoa(): void {
  state.koa = undefined;
  koaInstrumentation.disable();
}

// --- Fastify -------------------------------------------------------------------------------------------

const FASTIFY_CHANNEL = 'fastify.initialization';
const fastifyVersions = new Set<string>();

interface FastifyInstance {
  version?: string;
  register(plugin: AnyFunction): unknown;
}

function onFastifyInstance(message: unknown): void {
  const plugin = state.fastify;
  const fastify = (message as { fastify?: FastifyInstance } | undefined)?.fastify;
  if (plugin === undefined || typeof fastify?.register !== 'function') return;
  try {
    const version = String(fastify.version ?? '');
    // The plugin declares the Fastify majors it supports: registering it on another would fail the app's startup.
    if (!satisfiesVersion(version, FASTIFY_VERSIONS)) {
      warnOnce(`version:fastify@${version}`, `fastify@${version || 'unknown'} is outside the versions Spanwise's fastify instrumentation supports (${FASTIFY_VERSIONS}): it is not traced`);
      return;
    }
    fastify.register(plugin);
    if (!fastifyVersions.has(version)) log.debug(`fastify@${version}: trace plugin registered on new instances`);
    fastifyVersions.add(version);
  } catch (error) {
    reportFault('fastify auto-instrumentation', error);
  }
}

export function enableFastify(plugin: FastifyPlugin): void {
  if (state.fastify === undefined) diagnosticsChannel.subscribe(FASTIFY_CHANNEL, onFastifyInstance);
  state.fastify = plugin;
}

export function disableFastify(): void {
  if (state.fastify !== undefined) diagnosticsChannel.unsubscribe(FASTIFY_CHANNEL, onFastifyInstance);
  state.fastify = undefined;
  fastifyVersions.clear();
}

export function frameworkPatchedVersions(name: 'express' | 'koa' | 'fastify'): string[] {
  if (name === 'express') return [...expressInstrumentation.patchedVersions];
  if (name === 'koa') return [...koaInstrumentation.patchedVersions];
  return [...fastifyVersions].map((version) => `fastify@${version}`);
}
