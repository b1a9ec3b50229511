import * as diagnosticsChannel from 'diagnostics_channel';
import type { ClientRequest } from 'http';
import { checkConfiguration, checkOptionKeys, Instrumentation, optionKeys, reportFault, unwrapMethod, wrapMethod, type PatchDefinition } from '@spanwise/trace-core';
import type { HttpClientOptions, HttpComponent } from './types';
import { onFetchCreate, onFetchEnd, onFetchError, onFetchHeaders, startHttpCall, type UndiciRequest } from './utils';

/** Where outgoing HTTP is hooked: `request`/`get` of the http and https builtins, and undici's diagnostics channels (fetch). */

let currentOptions: HttpClientOptions = {};

type RequestFunction = (...args: unknown[]) => unknown;

function tracedRequest(original: RequestFunction, component: HttpComponent): RequestFunction {
  return function (this: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments as unknown as unknown[];
    const traced = startHttpCall(component, args, currentOptions);
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

function builtin(component: 'http' | 'https'): PatchDefinition {
  return {
    module: component,
    versions: '*',
    patch(exports: Record<string, unknown>) {
      wrapMethod(exports, 'request', (original) => tracedRequest(original, component));
      wrapMethod(exports, 'get', (original) => tracedRequest(original, component));
    },
    unpatch(exports: Record<string, unknown>) {
      unwrapMethod(exports, 'request');
      unwrapMethod(exports, 'get');
    },
  };
}

const instrumentation = new Instrumentation('http', [builtin('http'), builtin('https')]);

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
  'undici:request:create': guarded('fetch request', (m) => onFetchCreate(m.request, currentOptions)),
  'undici:request:headers': guarded('fetch response', (m) => onFetchHeaders(m.request, m.response)),
  'undici:request:trailers': guarded('fetch end', (m) => onFetchEnd(m.request)),
  'undici:request:error': guarded('fetch error', (m) => onFetchError(m.request, m.error)),
};
let fetchSubscribed = false;
const OPTION_KEYS = optionKeys<HttpClientOptions>({ ignore: true, requestHook: true, responseHook: true });

/**
 * Trace outgoing HTTP: http/https `request` and `get` (however called), and the global `fetch`.
 * Idempotent; a second call only replaces the options.
 */
export function patch(options: HttpClientOptions = {}): void {
  checkOptionKeys(options, OPTION_KEYS, '@spanwise/trace-http patch()');
  checkConfiguration();
  currentOptions = options;
  instrumentation.enable();
  if (fetchSubscribed) return;
  for (const [name, subscriber] of Object.entries(fetchSubscribers)) diagnosticsChannel.subscribe(name, subscriber);
  fetchSubscribed = true;
}

/** Restore the original http/https functions and stop tracing fetch. Requests in flight still end their spans. */
export function unpatch(): void {
  instrumentation.disable();
  if (!fetchSubscribed) return;
  for (const [name, subscriber] of Object.entries(fetchSubscribers)) diagnosticsChannel.unsubscribe(name, subscriber);
  fetchSubscribed = false;
  currentOptions = {};
}

export function isPatched(): boolean {
  return instrumentation.enabled;
}
