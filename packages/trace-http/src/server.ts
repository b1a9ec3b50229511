import type { IncomingMessage } from 'http';
import { defineInstrumentation, SERVER_SPAN_OPTION_KEYS, SERVER_SPAN_OPTION_RULES, serverEntryHooks, tracePlainServers, type ServerSpanOptions } from '@spanwise/trace-core';

/**
 * Server spans for plain Node http/https servers: every request of every server gets core's shared server span
 * (component `http`, named by method), hooked at the servers' request entry point (core's `serverEntryHooks`); a
 * framework adapter later adopts the same record and names it by route, so a request has exactly one server span.
 */
export const HTTP_SERVER_COMPONENT = 'http';

/** Plain servers have no routes: the span is named by the method alone (`GET`), unless the app names it. */
function methodName(req: IncomingMessage, route: string | undefined): string {
  const method = req.method ?? 'GET';
  return route ? `${method} ${route}` : method;
}

/** Every request of every http/https server (`patchServer(options)`, idempotent: a second call replaces the options). */
export const serverInstrumentation = defineInstrumentation({
  name: 'http-server',
  packageName: '@spanwise/trace-http',
  entryPoint: 'patchServer()',
  hooks: serverEntryHooks(),
  options: {
    keys: SERVER_SPAN_OPTION_KEYS,
    rules: SERVER_SPAN_OPTION_RULES,
    resolve: (options: ServerSpanOptions | undefined): ServerSpanOptions => (options?.operationName ? options : { ...options, operationName: methodName }),
  },
  onPatch: (options) => tracePlainServers(HTTP_SERVER_COMPONENT, options),
  onUnpatch: () => tracePlainServers(HTTP_SERVER_COMPONENT, undefined),
  // `http server (node 20.20.2)`: the builtin's version is Node's.
  describeVersion: (module, version) => `${module} server (node ${version})`,
});

export const { patch: patchServer, unpatch: unpatchServer } = serverInstrumentation;
