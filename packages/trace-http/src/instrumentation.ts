import * as diagnosticsChannel from 'diagnostics_channel';
import type { ClientRequest } from 'http';
import { defineInstrumentation, optionKeys, optionRules, reportFault, type OptionRule, type PatchDefinition } from '@spanwise/trace-core';
import type { HttpClientOptions, HttpComponent } from './types';
import { onFetchCreate, onFetchEnd, onFetchError, onFetchHeaders, startHttpCall, type UndiciRequest } from './utils';

/** Where outgoing HTTP is hooked: `request`/`get` of the http and https builtins, and undici's diagnostics channels (fetch). */

type RequestFunction = (...args: unknown[]) => unknown;

function tracedRequest(original: RequestFunction, component: HttpComponent): RequestFunction {
  return function (this: unknown) {
     
    const args = arguments as unknown as unknown[];
    const traced = startHttpCall(component, args, instrumentation.options);
    if (!traced) return original.apply(this, args);
    let req: unknown;
    try {
      req = original.apply(this, traced.args);
    } catch (error) {
      traced.call.end(error);
      throw error;
    }
    traced.call.observe(req as ClientRequest);
    return req;
  };
}

function builtin(component: 'http' | 'https'): PatchDefinition<Record<string, unknown>> {
  return {
    module: component,
    versions: '*',
    patch(moduleExports) {
      instrumentation.wrap(moduleExports, 'request', (original) => tracedRequest(original, component));
      instrumentation.wrap(moduleExports, 'get', (original) => tracedRequest(original, component));
    },
    unpatch(moduleExports) {
      instrumentation.unwrap(moduleExports, 'request');
      instrumentation.unwrap(moduleExports, 'get');
    },
  };
}

interface UndiciMessage {
  request: UndiciRequest;
  response?: { statusCode?: unknown };
  error?: unknown;
}

/** A subscriber that throws would surface as an uncaught exception: each one guards itself. */
function guarded(where: string, handler: (message: UndiciMessage) => void): (message: unknown) => void {
  return (message) => {
    try {
      handler(message as UndiciMessage);
    } catch (error) {
      reportFault(where, error);
    }
  };
}

const fetchSubscribers: Record<string, (message: unknown) => void> = {
  'undici:request:create': guarded('fetch request', (m) => onFetchCreate(m.request, instrumentation.options)),
  'undici:request:headers': guarded('fetch response', (m) => onFetchHeaders(m.request, m.response)),
  'undici:request:trailers': guarded('fetch end', (m) => onFetchEnd(m.request)),
  'undici:request:error': guarded('fetch error', (m) => onFetchError(m.request, m.error)),
};

let fetchSubscribed = false;

function subscribeFetch(): void {
  if (fetchSubscribed) return;
  for (const [name, subscriber] of Object.entries(fetchSubscribers)) diagnosticsChannel.subscribe(name, subscriber);
  fetchSubscribed = true;
}

function unsubscribeFetch(): void {
  if (!fetchSubscribed) return;
  for (const [name, subscriber] of Object.entries(fetchSubscribers)) diagnosticsChannel.unsubscribe(name, subscriber);
  fetchSubscribed = false;
}

const IGNORE_MATCHER: OptionRule = {
  expected: 'a host, URL prefix, RegExp or function',
  test: (value) => typeof value === 'string' || value instanceof RegExp || typeof value === 'function',
};

/**
 * Outgoing HTTP: http/https `request` and `get` (however called), and the global `fetch`. `patch(options)` is
 * idempotent (a second call only replaces the options); `unpatch()` restores the originals and stops tracing fetch
 * (requests in flight still end their spans).
 */
export const instrumentation = defineInstrumentation({
  name: 'http',
  packageName: '@spanwise/trace-http',
  hooks: [builtin('http'), builtin('https')],
  options: {
    keys: optionKeys<HttpClientOptions>({ ignore: true, requestHook: true, responseHook: true }),
    rules: { ignore: optionRules.oneOrMany(IGNORE_MATCHER), requestHook: optionRules.function, responseHook: optionRules.function },
    resolve: (options: HttpClientOptions | undefined): HttpClientOptions => options ?? {},
  },
  onPatch: subscribeFetch,
  onUnpatch: unsubscribeFetch,
  describeVersion: () => 'http/https/fetch client',
});

export const { patch, unpatch, isEnabled, patchedVersions } = instrumentation;

/** The same as `isEnabled()` (its name before every package had the same four functions). */
export const isPatched = isEnabled;
