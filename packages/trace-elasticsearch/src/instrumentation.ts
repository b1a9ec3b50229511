import { AsyncLocalStorage } from 'async_hooks';
import type { Span } from 'opentracing';
import { defineInstrumentation, getActiveSpan, isTracingSuppressed, optionKeys, optionRules, reportFault, suppressTracing, unwrapMethod, withSpan, type PatchDefinition } from '@spanwise/trace-core';
import type { CallRecord, ElasticsearchInstrumentationOptions, TransportRequestParams, TransportResult } from './types';
import { endRequestSpan, resolveOptions, startRequestSpan } from './utils';

/*
 * Where the hooks go. Every API method and helper of every client major ends in one transport method:
 * - clients 8 and 9: `Transport.prototype.request(params, options)` of `@elastic/transport` (async);
 * - client 7: `Transport.prototype.request(params, options, callback)` in `@elastic/elasticsearch/lib/Transport.js`
 *   (a callback, or a thenable with `abort()` when no callback is given).
 * The original runs with tracing suppressed: the ES span is the exit span, so the transport's own HTTP
 * request makes no second client span, and internal requests (7's product check, sniffing) make none.
 */

type AnyFunction = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the client's methods, wrapped as they are
interface TransportClass {
  prototype: object;
}

/** The 8/9 call in flight, so the transport's diagnostic events can hand us its result (status, node). */
const calls = new AsyncLocalStorage<CallRecord>();

/** Patch a Transport class (and its Diagnostic class) of `@elastic/transport` 8/9 (bundled code); traced while `patch()` is in force. */
export function patchTransportClass(Transport: TransportClass | undefined, Diagnostic?: TransportClass): void {
  instrumentation.wrap(Transport?.prototype, 'request', wrapPromiseRequest);
  instrumentation.wrap(Diagnostic?.prototype, 'emit', wrapDiagnosticEmit);
}

export function unpatchTransportClass(Transport: TransportClass | undefined, Diagnostic?: TransportClass): void {
  unwrapMethod(Transport?.prototype, 'request');
  unwrapMethod(Diagnostic?.prototype, 'emit');
}

/** Patch the 7.x client's own Transport class. */
export function patchLegacyTransportClass(Transport: TransportClass | undefined): void {
  instrumentation.wrap(Transport?.prototype, 'request', wrapCallbackRequest);
}

export function unpatchLegacyTransportClass(Transport: TransportClass | undefined): void {
  unwrapMethod(Transport?.prototype, 'request');
}

interface TransportModule {
  Transport?: TransportClass;
  Diagnostic?: TransportClass;
}

const hooks: [PatchDefinition<TransportModule>, PatchDefinition<TransportClass>] = [
  {
    module: '@elastic/transport',
    versions: '>=8.0.1 <10', // 8.0.0: no client installs it (client 8.0.0 needs ^8.0.1)
    // Clients 8 and 9 depend on the transport of their own major: this range is theirs too.
    peer: '@elastic/elasticsearch',
    patch: (moduleExports) => patchTransportClass(moduleExports.Transport, moduleExports.Diagnostic),
    unpatch: (moduleExports) => unpatchTransportClass(moduleExports.Transport, moduleExports.Diagnostic),
  },
  {
    module: '@elastic/elasticsearch',
    file: 'lib/Transport.js',
    versions: '>=7.14.0 <8', // <7.7: unhandled rejections (native Promise); 7.7-7.13 untested (no product check, scroll helper fails on the stand-in)
    patch: (Transport) => patchLegacyTransportClass(Transport),
    unpatch: (Transport) => unpatchLegacyTransportClass(Transport),
  },
];

/**
 * Trace @elastic/elasticsearch (already loaded or required later). Idempotent; a second call updates the options.
 * After `unpatch()`, calls through references bound earlier (7.x `client.extend`) are not traced.
 */
export const instrumentation = defineInstrumentation({
  name: 'elasticsearch',
  packageName: '@spanwise/trace-elasticsearch',
  hooks,
  options: {
    keys: optionKeys<ElasticsearchInstrumentationOptions>({ maxStatementLength: true, recordDocumentBodies: true }),
    rules: { maxStatementLength: optionRules.nonNegativeInteger, recordDocumentBodies: optionRules.boolean },
    resolve: resolveOptions,
  },
});

export const { patch, unpatch, isEnabled, patchedVersions } = instrumentation;

function shouldTrace(): boolean {
  return !isTracingSuppressed();
}

/** Clients 8/9: an async `request(params, options)`; the same promise settlement reaches the caller. */
function wrapPromiseRequest(original: AnyFunction): AnyFunction {
  return function request(this: unknown, ...args: unknown[]) {
    if (!shouldTrace()) return original.apply(this, args);
    const span = startRequestSpan(args[0] as TransportRequestParams, args[1] as object, instrumentation.options);
    if (!span) return original.apply(this, args);
    const record: CallRecord = { result: undefined };
    let returned: unknown;
    try {
      returned = calls.run(record, () => suppressTracing(() => original.apply(this, args)));
    } catch (error) {
      endRequestSpan(span, error, record.result);
      throw error;
    }
    if (!isThenable(returned)) {
      endRequestSpan(span, undefined, record.result);
      return returned;
    }
    return returned.then(
      (value: unknown) => {
        endRequestSpan(span, undefined, record.result);
        return value;
      },
      (error: unknown) => {
        endRequestSpan(span, error, record.result);
        throw error;
      },
    );
  };
}

/** The transport emits its `result` (status, connection used) on its diagnostic events: keep the first one of the traced call. */
function wrapDiagnosticEmit(original: AnyFunction): AnyFunction {
  return function emit(this: unknown, ...args: unknown[]) {
    const record = calls.getStore();
    if (record !== undefined && record.result === undefined) {
      const result = args[2];
      if (result && typeof result === 'object') record.result = result as TransportResult;
    }
    return original.apply(this, args);
  };
}

/** Client 7: `request(params, [options], [callback])`, callback style or a thenable with `abort()`. */
function wrapCallbackRequest(original: AnyFunction): AnyFunction {
  return function request(this: unknown, ...args: unknown[]) {
    if (!shouldTrace()) return original.apply(this, args);
    const callbackAt = typeof args[1] === 'function' ? 1 : typeof args[2] === 'function' ? 2 : -1;
    if (callbackAt === -1 && args[2] !== undefined) return original.apply(this, args); // not a form the client knows
    const parent = getActiveSpan();
    const span = startRequestSpan(args[0] as TransportRequestParams, typeof args[1] === 'object' ? (args[1] as object) : undefined, instrumentation.options);
    if (!span) return original.apply(this, args);
    if (callbackAt !== -1) {
      const traced = args.slice();
      traced[callbackAt] = tracedCallback(args[callbackAt] as AnyFunction, span, parent);
      return suppressTracing(() => original.apply(this, traced));
    }
    let returned: unknown;
    try {
      returned = suppressTracing(() => original.apply(this, args));
    } catch (error) {
      endRequestSpan(span, error, undefined);
      throw error;
    }
    return traceThenable(returned, span);
  };
}

/** The app's callback gets the same arguments and `this`, in the app's own context (not the suppressed one). */
function tracedCallback(callback: AnyFunction, span: Span, parent: Span | undefined): AnyFunction {
  return function (this: unknown, ...args: unknown[]) {
    endRequestSpan(span, args[0], args[1] as TransportResult | undefined);
    return withSpan(parent, callback, this, ...args);
  };
}

/**
 * 7.x returns `{ then, catch, finally, abort }` over a private promise. Observe that promise, and point the
 * object's promise methods at the observed one: the caller keeps the same object (and `abort()`), gets the
 * same value or error, and an unhandled rejection stays unhandled.
 */
function traceThenable(returned: unknown, span: Span): unknown {
  if (!isThenable(returned)) {
    endRequestSpan(span, undefined, undefined);
    return returned;
  }
  let tracked: Promise<unknown>;
  try {
    tracked = Promise.resolve(
      returned.then(
        (result: unknown) => {
          endRequestSpan(span, undefined, result as TransportResult);
          return result;
        },
        (error: unknown) => {
          endRequestSpan(span, error, undefined);
          throw error;
        },
      ),
    );
    const thenable = returned as unknown as Record<string, unknown>;
    thenable.then = (onFulfilled?: AnyFunction, onRejected?: AnyFunction) => tracked.then(onFulfilled, onRejected);
    thenable.catch = (onRejected?: AnyFunction) => tracked.catch(onRejected);
    thenable.finally = (onFinally?: AnyFunction) => tracked.finally(onFinally);
  } catch (fault) {
    reportFault('elasticsearch 7 promise', fault);
  }
  return returned;
}

function isThenable(value: unknown): value is { then: AnyFunction } {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
