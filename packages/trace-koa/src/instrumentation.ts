import { defineInstrumentation, optionKeys, optionRules, reportFault, SERVER_SPAN_OPTION_KEYS, SERVER_SPAN_OPTION_RULES, unwrapMethod, type PatchDefinition, type ServerSpanOptions } from '@spanwise/trace-core';
import { setEntryMiddleware, wrapHandleRequest } from './entry';
import { traceMiddleware } from './middleware';
import type { KoaApplication, KoaMiddleware, KoaTraceOptions } from './types';
import { wrapMiddleware } from './utils';

/** Marks the trace middleware of an app that asked for middleware spans. */
export const kMiddlewareSpans = Symbol.for('spanwise.koa.middlewareSpans');

type KoaClass = { prototype: KoaApplication };

/**
 * Middleware spans: Koa's `Application.prototype.use` wraps the middlewares mounted after a trace middleware
 * with `middlewareSpans: true`. Only enabled when an app asks for them, so requests pay nothing otherwise.
 */
const KOA_VERSIONS = '>=2.0.0 <4';

const applicationUse: PatchDefinition<KoaClass> = {
  module: 'koa',
  versions: KOA_VERSIONS,
  patch(Application) {
    instrumentation.wrap(Application.prototype, 'use', (original) =>
      function use(this: KoaApplication, ...args: unknown[]) {
        const fn = args[0];
        if (args.length !== 1 || !wantsMiddlewareSpan(this, fn)) return original.apply(this, args);
        return original.call(this, wrapMiddleware(fn));
      },
    );
  },
  unpatch(Application) {
    unwrapMethod(Application.prototype, 'use');
  },
};

/** The request entry point, for `patch()` (see entry.ts). */
const applicationHandleRequest: PatchDefinition<KoaClass> = {
  module: 'koa',
  versions: KOA_VERSIONS,
  patch: (Application) => instrumentation.wrap(Application?.prototype, 'handleRequest', wrapHandleRequest),
  unpatch: (Application) => unwrapMethod(Application?.prototype, 'handleRequest'),
};

/**
 * `patch(options)`: every Koa app in the process is traced with no `app.use(...)` (what the register does).
 * `traceMiddleware({ middlewareSpans: true })` installs the middleware-span hook. `unpatch()` restores Koa;
 * middlewares already wrapped keep their spans.
 */
export const instrumentation = defineInstrumentation({
  name: 'koa',
  packageName: '@spanwise/trace-koa',
  hooks: [applicationHandleRequest, applicationUse],
  options: {
    keys: [...SERVER_SPAN_OPTION_KEYS, ...optionKeys<Omit<KoaTraceOptions, keyof ServerSpanOptions>>({ middlewareSpans: true })],
    rules: { ...SERVER_SPAN_OPTION_RULES, middlewareSpans: optionRules.boolean },
    resolve: (options: KoaTraceOptions | undefined): KoaTraceOptions => options ?? {},
  },
  onPatch: (options) => setEntryMiddleware(traceMiddleware(options) as KoaMiddleware),
  onUnpatch: () => setEntryMiddleware(undefined),
});

export const { patch, unpatch, isEnabled, patchedVersions } = instrumentation;

function wantsMiddlewareSpan(app: KoaApplication, fn: unknown): fn is KoaMiddleware {
  try {
    // Generator middlewares are converted (Koa 2) or refused (Koa 3) by use() itself: leave them to it.
    if (typeof fn !== 'function' || fn.constructor?.name === 'GeneratorFunction') return false;
    if ((fn as { [kMiddlewareSpans]?: boolean })[kMiddlewareSpans]) return false;
    const stack = app.middleware;
    return Array.isArray(stack) && stack.some((m) => (m as { [kMiddlewareSpans]?: boolean })[kMiddlewareSpans] === true);
  } catch (error) {
    reportFault('koa use', error);
    return false;
  }
}
