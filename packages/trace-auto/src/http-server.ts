import type { IncomingMessage, ServerResponse } from 'http';
import { checkOptionKeys, Instrumentation, SERVER_SPAN_OPTION_KEYS, startServerSpan, type RequestRecord, unwrapMethod, withSpan, wrapMethod, type PatchDefinition, type ServerSpanOptions } from '@spanwise/trace-core';

/**
 * Server spans for plain Node http/https servers. Node hands every request to `server.emit('request', req, res)`
 * (`'checkContinue'` for `Expect: 100-continue` when the app listens for it), whoever the listener is: a
 * bare handler, Express, Koa or Fastify. Wrapping `emit` on the http and https Server prototypes starts core's
 * shared server span (component `http`, named by method) and runs the listeners inside it; a framework adapter
 * later adopts the same record and names it by route, so a request has exactly one server span.
 */
export const HTTP_SERVER_COMPONENT = 'http';

type AnyFunction = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
type ServerClass = { Server?: { prototype: object } };

const state: { active: boolean; options: ServerSpanOptions; onListening?: () => void } = { active: false, options: {} };

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
export function setFrameworkOptions(component: string, options: ServerSpanOptions | undefined): void {
  if (options === undefined) frameworkOptions.delete(component);
  else frameworkOptions.set(component, options);
  updateInstrumentation();
}

function updateInstrumentation(): void {
  if (state.active || frameworkOptions.size > 0) instrumentation.enable();
  else instrumentation.disable();
}

/** Plain servers have no routes: the span is named by the method alone (`GET`), unless the app names it. */
function methodName(req: IncomingMessage, route: string | undefined): string {
  const method = req.method ?? 'GET';
  return route ? `${method} ${route}` : method;
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
  return state.active ? startServerSpan(req, res, HTTP_SERVER_COMPONENT, state.options) : undefined;
}

function serverPatch(module: 'http' | 'https'): PatchDefinition<ServerClass> {
  return {
    module,
    versions: '*',
    patch: (exports) => wrapMethod(exports.Server?.prototype, 'emit', wrapEmit),
    unpatch: (exports) => unwrapMethod(exports.Server?.prototype, 'emit'),
  };
}

const instrumentation = new Instrumentation('http-server', [serverPatch('http'), serverPatch('https')]);

/**
 * Give every request of every http/https server a server span (idempotent; a second call replaces the options).
 * `options.onListening` is called whenever a server starts listening (startup diagnostics).
 */
export function patchHttpServer(options: ServerSpanOptions = {}, onListening?: () => void): void {
  checkOptionKeys(options, SERVER_SPAN_OPTION_KEYS, 'instrument() option "http.server"');
  state.options = options.operationName ? options : { ...options, operationName: methodName };
  state.onListening = onListening;
  state.active = true;
  updateInstrumentation();
}

export function unpatchHttpServer(): void {
  state.active = false;
  state.onListening = undefined;
  updateInstrumentation();
}

export function httpServerPatchedVersions(): string[] {
  // `http@20.20.2`: the builtin's version is Node's.
  return [...instrumentation.patchedVersions].map((version) => `${version.replace('@', ' server (node ')})`);
}
