import type { IncomingMessage, ServerResponse } from 'http';
import { checkOptionKeys, Instrumentation, SERVER_SPAN_OPTION_KEYS, startServerSpan, unwrapMethod, withSpan, wrapMethod, type PatchDefinition, type ServerSpanOptions } from '@spanwise/trace-core';

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
    if (!state.active || !isResponse(res)) return original.apply(this, arguments as unknown as unknown[]);
    const record = startServerSpan(req as IncomingMessage, res, HTTP_SERVER_COMPONENT, state.options);
    if (record === undefined) return original.apply(this, arguments as unknown as unknown[]);
    const args = arguments;
    return withSpan(record.span, () => original.apply(this, args as unknown as unknown[]));
  };
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
  instrumentation.enable();
}

export function unpatchHttpServer(): void {
  state.active = false;
  state.onListening = undefined;
  instrumentation.disable();
}

export function httpServerPatchedVersions(): string[] {
  // `http@20.20.2`: the builtin's version is Node's.
  return [...instrumentation.patchedVersions].map((version) => `${version.replace('@', ' server (node ')})`);
}
