import * as diagnosticsChannel from 'diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'http';
import { getRequestRecord, Instrumentation, log, reportFault, satisfiesVersion, unwrapMethod, warnOnce, wrapMethod, type PatchDefinition, type ServerSpanOptions } from '@spanwise/trace-core';
import { setFrameworkOptions, traceFrameworkServer } from './http-server';

/**
 * Where the frameworks are hooked so that their adapter's middleware runs for every app with no `app.use(...)`:
 * - Express 4/5: `app.handle(req, res, callback)` of `express/lib/application.js`, the prototype every app copies
 *   its methods from when `express()` creates it; the wrapper runs the adapter's middleware, then the app.
 * - Koa 2/3: `Application.prototype.handleRequest(ctx, fnMiddleware)`; the app's composed middleware is
 *   preceded by the adapter's middleware.
 * - Fastify 4/5: no plugin (it would show in the app's plugin tree, hook lists and decorators). The
 *   `fastify.initialization` diagnostics channel, published with each new instance, gives its server, whose
 *   requests the http-server layer traces as Fastify's; the adapter's patch of `Reply.prototype.send`/`hijack`
 *   names the span by `request.routeOptions.url` and records errors. Fastify's own files are required with
 *   `require`, so this works for ESM apps too.
 * Each adapter adopts the request's server span when the http-server layer (or the app's own middleware)
 * already made one, so a request keeps exactly one server span.
 */
type AnyFunction = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Next = (error?: unknown) => void;
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: Next) => unknown;
export type KoaMiddleware = (ctx: unknown, next: () => Promise<unknown>) => Promise<unknown>;

export const EXPRESS_VERSIONS = '>=4.6.0 <6'; // as trace-express: route capture needs 4.6.0
export const KOA_VERSIONS = '>=2.0.0 <4';
export const FASTIFY_VERSIONS = '>=4.0.0 <6';

const state: { express?: ExpressMiddleware; koa?: KoaMiddleware } = {};

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
const FASTIFY_COMPONENT = 'fastify';
const fastifyVersions = new Set<string>();

/** What auto mode needs of @spanwise/trace-fastify: its Reply patch (route and errors), no plugin. */
export interface FastifyAdapter {
  patch(): void;
  unpatch(): void;
  patchedVersions?(): string[];
}

interface FastifyInstance {
  version?: string;
  server?: object;
}

const fastifyState: { adapter?: FastifyAdapter } = {};

/**
 * Each new Fastify instance (published on `fastify.initialization`) has its server traced at the http-server layer,
 * as Fastify's: the app's plugin tree, decorators and hook lists stay exactly as the app builds them.
 */
function onFastifyInstance(message: unknown): void {
  if (fastifyState.adapter === undefined) return;
  const fastify = (message as { fastify?: FastifyInstance } | undefined)?.fastify;
  try {
    const version = String(fastify?.version ?? '');
    if (!satisfiesVersion(version, FASTIFY_VERSIONS)) {
      warnOnce(`version:fastify@${version}`, `fastify@${version || 'unknown'} is outside the versions Spanwise's fastify instrumentation supports (${FASTIFY_VERSIONS}): it is not traced`);
      return;
    }
    const server = fastify?.server;
    if (typeof server !== 'object' || server === null) return;
    traceFrameworkServer(server, FASTIFY_COMPONENT);
    if (!fastifyVersions.has(version)) log.debug(`fastify@${version}: new instances' servers traced`);
    fastifyVersions.add(version);
  } catch (error) {
    reportFault('fastify auto-instrumentation', error);
  }
}

export function enableFastify(adapter: FastifyAdapter, options: ServerSpanOptions): void {
  if (fastifyState.adapter === undefined) diagnosticsChannel.subscribe(FASTIFY_CHANNEL, onFastifyInstance);
  fastifyState.adapter = adapter;
  adapter.patch();
  setFrameworkOptions(FASTIFY_COMPONENT, options);
}

export function disableFastify(): void {
  if (fastifyState.adapter !== undefined) diagnosticsChannel.unsubscribe(FASTIFY_CHANNEL, onFastifyInstance);
  fastifyState.adapter?.unpatch();
  fastifyState.adapter = undefined;
  setFrameworkOptions(FASTIFY_COMPONENT, undefined);
  fastifyVersions.clear();
}

export function frameworkPatchedVersions(name: 'express' | 'koa' | 'fastify'): string[] {
  if (name === 'express') return [...expressInstrumentation.patchedVersions];
  if (name === 'koa') return [...koaInstrumentation.patchedVersions];
  const patched = fastifyState.adapter?.patchedVersions?.() ?? [];
  return [...new Set([...patched, ...[...fastifyVersions].map((version) => `fastify@${version}`)])];
}
