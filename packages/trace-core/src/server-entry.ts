import type { IncomingMessage, ServerResponse } from 'http';
import { withSpan } from './context';
import type { PatchDefinition } from './patching/instrumentation';
import { unwrapMethod, wrapMethod, type AnyFunction } from './patching/wrap';
import { startServerSpan, type RequestRecord, type ServerSpanOptions } from './server-span';

/**
 * The request entry point of Node http/https servers. Node hands every request to `server.emit('request', req, res)`
 * (`'checkContinue'` for `Expect: 100-continue` when the app listens for it), whoever the listener is: a bare
 * handler, Express, Koa or Fastify. Wrapping `emit` on the http and https Server prototypes starts the shared server
 * span and runs the listeners inside it; a framework adapter later adopts the same record and names it by route, so a
 * request has exactly one server span. Two packages use it: trace-http for plain servers (`tracePlainServers`), and
 * trace-fastify in auto mode, whose servers are traced here as Fastify's (`traceFrameworkServers`): no plugin in the app.
 * Both declare `serverEntryHooks()`; the wrapper is installed while either has them patched.
 */

type ServerModule = { Server?: { prototype: object } };

const state: { plain?: ServerSpanOptions; plainComponent: string; onListening?: () => void } = { plainComponent: 'http' };

/**
 * Servers of a framework traced at this layer (Fastify: no plugin in the app): their requests get the framework's
 * component and options from the start, also when plain servers are not traced. A framework's servers are known by
 * the server object or by its request listener (Fastify gives its extra servers, one per address of `localhost`,
 * the same handler). Per server the answer is looked up once.
 */
const frameworkOptions = new Map<string, ServerSpanOptions>();
const frameworkByServer = new WeakMap<object, string | null>();
const frameworkByListener = new WeakMap<object, string>();

function frameworkOf(server: object): string | undefined {
  let component = frameworkByServer.get(server);
  if (component === undefined) {
    component = frameworkFromListeners(server) ?? null;
    frameworkByServer.set(server, component);
  }
  return component ?? undefined;
}

function frameworkFromListeners(server: object): string | undefined {
  const listeners = (server as { listeners?: (event: string) => unknown[] }).listeners;
  if (typeof listeners !== 'function') return undefined;
  for (const listener of listeners.call(server, 'request')) {
    const component = frameworkByListener.get(listener as object);
    if (component !== undefined) return component;
  }
  return undefined;
}

/** Trace the requests of `server` (and of every server with the same request listener) as `component`'s. */
export function traceFrameworkServer(server: object, component: string): void {
  frameworkByServer.set(server, component);
  const listeners = (server as { listeners?: (event: string) => unknown[] }).listeners;
  if (typeof listeners !== 'function') return;
  for (const listener of listeners.call(server, 'request')) if (typeof listener === 'function') frameworkByListener.set(listener, component);
}

/** Start (or, with `undefined` options, stop) tracing the servers registered for `component`. */
export function traceFrameworkServers(component: string, options: ServerSpanOptions | undefined): void {
  if (options === undefined) frameworkOptions.delete(component);
  else frameworkOptions.set(component, options);
}

/** Start (or, with `undefined` options, stop) giving every request of every other server a span of `component`. */
export function tracePlainServers(component: string, options: ServerSpanOptions | undefined): void {
  state.plainComponent = component;
  state.plain = options;
}

/** Called whenever a server starts listening while the entry point is patched (startup diagnostics), or `undefined`. */
export function onServerListening(listener: (() => void) | undefined): void {
  state.onListening = listener;
}

function isResponse(value: unknown): value is ServerResponse {
  return typeof (value as ServerResponse | undefined)?.once === 'function';
}

/** @internal Exported for tests. */
export function wrapEmit(original: AnyFunction): AnyFunction {
  return function emit(this: unknown, event: unknown, req?: unknown, res?: unknown) {
    if (event !== 'request' && event !== 'checkContinue') {
      if (event === 'listening' && state.onListening) state.onListening();
      return original.apply(this, arguments as unknown as unknown[]);
    }
    if (!isResponse(res)) return original.apply(this, arguments as unknown as unknown[]);
    const record = startRequestSpan(this as object, req as IncomingMessage, res);
    if (record === undefined) return original.apply(this, arguments as unknown as unknown[]);
    return withSpan(record.span, original, this, ...(arguments as unknown as unknown[]));
  };
}

function startRequestSpan(server: object, req: IncomingMessage, res: ServerResponse): RequestRecord | undefined {
  if (frameworkOptions.size > 0) {
    const component = frameworkOf(server);
    const options = component === undefined ? undefined : frameworkOptions.get(component);
    if (options !== undefined) return startServerSpan(req, res, component!, options);
  }
  return state.plain !== undefined ? startServerSpan(req, res, state.plainComponent, state.plain) : undefined;
}

/** How many patched instrumentations share the wrapper of each Server prototype. */
const users = new WeakMap<object, number>();

function serverEntryHook(module: 'http' | 'https'): PatchDefinition<ServerModule> {
  return {
    module,
    versions: '*',
    patch(moduleExports) {
      const proto = moduleExports.Server?.prototype;
      if (proto === undefined) return;
      users.set(proto, (users.get(proto) ?? 0) + 1);
      wrapMethod(proto, 'emit', wrapEmit);
    },
    unpatch(moduleExports) {
      const proto = moduleExports.Server?.prototype;
      if (proto === undefined) return;
      const left = (users.get(proto) ?? 1) - 1;
      users.set(proto, left);
      if (left === 0) unwrapMethod(proto, 'emit');
    },
  };
}

/** The hooks of the server request entry point (http and https `Server.prototype.emit`), for an instrumentation's `hooks`. */
export function serverEntryHooks(): Array<PatchDefinition<ServerModule>> {
  return [serverEntryHook('http'), serverEntryHook('https')];
}
