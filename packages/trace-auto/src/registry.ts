import { warnOnce, type ServerSpanOptions } from '@spanwise/trace-core';
import { disableExpress, disableFastify, disableKoa, enableExpress, enableFastify, enableKoa, frameworkPatchedVersions, type ExpressMiddleware, type FastifyAdapter, type KoaMiddleware } from './frameworks';
import { httpServerPatchedVersions, patchHttpServer, unpatchHttpServer } from './http-server';
import type { AutoInstrumentOptions, InstrumentationName } from './types';

/**
 * Every library auto-instrumentation knows: the adapter package that traces it, the library packages it
 * patches (for the loaded-too-early check and the ESM hooks), and how to turn it on and off. Adapters are
 * loaded only for the libraries enabled; one that is not installed is skipped.
 */
type AnyFunction = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
/* eslint-disable @typescript-eslint/no-require-imports */

/** What the registry calls on an adapter package; each entry uses the part its package has. */
export interface Adapter {
  patch?(options?: object): void;
  unpatch?(): void;
  patchedVersions?(): string[];
  isPatched?(): boolean;
  traceMiddleware?(options?: object): AnyFunction;
  patchTransportClass?(Transport: unknown, Diagnostic?: unknown): void;
  unpatchTransportClass?(Transport: unknown, Diagnostic?: unknown): void;
}

export interface EnableContext {
  /** The options of `instrument()`, for defaults shared across entries. */
  all: AutoInstrumentOptions;
  /** Called whenever a server starts listening. */
  onListening: () => void;
}

/** An ESM-only copy of a library (not reachable through require hooks): patched from its module namespace. */
export interface EsmPatch {
  module: string;
  patch(adapter: Adapter, namespace: Record<string, unknown>): void;
  unpatch(adapter: Adapter, namespace: Record<string, unknown>): void;
}

export interface RegistryEntry {
  name: InstrumentationName;
  adapter: string;
  /** The adapter is optional for this entry (http: the server patch works without the client package). */
  adapterOptional?: boolean;
  /** Loads the adapter package (a literal require, so bundlers see it). */
  load(): Adapter;
  modules: string[];
  /** `false`: nothing to do when the ESM app imports these modules (builtins; Fastify's diagnostics channel). */
  esmImports?: false;
  enable(adapter: Adapter | undefined, options: object, context: EnableContext): void;
  disable(adapter: Adapter | undefined): void;
  patched(adapter: Adapter | undefined): string[];
  esm?: EsmPatch;
}

/** Framework server spans default to the http server options (ignore rules, header tags, hooks), their own win. */
function serverDefaults(all: AutoInstrumentOptions): ServerSpanOptions {
  const server = all.http === false ? undefined : all.http?.server;
  return server ? server : {};
}

function frameworkOptions(options: object, context: EnableContext): object {
  return { ...serverDefaults(context.all), ...options };
}

function middlewareOf(adapter: Adapter | undefined, name: string, options: object): AnyFunction {
  if (typeof adapter?.traceMiddleware !== 'function') throw new Error(`@spanwise/trace-${name} has no traceMiddleware()`);
  return adapter.traceMiddleware(options);
}

function fastifyAdapter(adapter: Adapter | undefined): FastifyAdapter {
  if (typeof adapter?.patch !== 'function' || typeof adapter.unpatch !== 'function') throw new Error('@spanwise/trace-fastify has no patch()');
  return adapter as FastifyAdapter;
}

/** Hook spans need the explicit plugin (wrapping the app's hooks would change its hook lists): not in auto mode. */
function fastifyServerOptions(options: object, context: EnableContext): ServerSpanOptions {
  const { hookSpans, ...server } = frameworkOptions(options, context) as ServerSpanOptions & { hookSpans?: boolean };
  if (hookSpans) warnOnce('auto:fastify.hookSpans', 'fastify.hookSpans is not available in auto mode (it would wrap the app\'s hooks): register traceMiddleware({ hookSpans: true }) from @spanwise/trace-fastify instead');
  return server;
}

function patchingEntry(name: InstrumentationName, load: () => Adapter, modules: string[], extra: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    name,
    load,
    adapter: `@spanwise/trace-${name}`,
    modules,
    enable: (adapter, options) => adapter!.patch!(options),
    disable: (adapter) => adapter?.unpatch?.(),
    patched: (adapter) => adapter?.patchedVersions?.() ?? [],
    ...extra,
  };
}

export const REGISTRY: readonly RegistryEntry[] = [
  {
    name: 'http',
    adapter: '@spanwise/trace-http',
    adapterOptional: true,
    load: () => require('@spanwise/trace-http'),
    modules: ['http', 'https'],
    esmImports: false,
    enable(adapter, options, context) {
      const { client, server } = options as { client?: object | false; server?: ServerSpanOptions | false };
      if (server === false) unpatchHttpServer();
      else patchHttpServer(server ?? {}, context.onListening);
      if (client === false) adapter?.unpatch?.();
      else adapter?.patch?.(client ?? {});
    },
    disable(adapter) {
      unpatchHttpServer();
      adapter?.unpatch?.();
    },
    patched(adapter) {
      const client = adapter?.isPatched?.() ? ['http/https/fetch client'] : [];
      return [...httpServerPatchedVersions(), ...client];
    },
  },
  {
    name: 'express',
    adapter: '@spanwise/trace-express',
    load: () => require('@spanwise/trace-express'),
    modules: ['express'],
    enable(adapter, options, context) {
      enableExpress(middlewareOf(adapter, 'express', frameworkOptions(options, context)) as ExpressMiddleware);
    },
    disable(adapter) {
      disableExpress();
      adapter?.unpatch?.();
    },
    patched: (adapter) => [...new Set([...frameworkPatchedVersions('express'), ...(adapter?.patchedVersions?.() ?? [])])],
  },
  {
    name: 'koa',
    adapter: '@spanwise/trace-koa',
    load: () => require('@spanwise/trace-koa'),
    modules: ['koa'],
    enable(adapter, options, context) {
      enableKoa(middlewareOf(adapter, 'koa', frameworkOptions(options, context)) as KoaMiddleware);
    },
    disable() {
      disableKoa();
    },
    patched: () => frameworkPatchedVersions('koa'),
  },
  {
    name: 'fastify',
    adapter: '@spanwise/trace-fastify',
    load: () => require('@spanwise/trace-fastify'),
    modules: ['fastify'],
    esmImports: false,
    enable(adapter, options, context) {
      enableFastify(fastifyAdapter(adapter), fastifyServerOptions(options, context));
    },
    disable() {
      disableFastify();
    },
    patched: () => frameworkPatchedVersions('fastify'),
  },
  patchingEntry('mysql2', () => require('@spanwise/trace-mysql2'), ['mysql2']),
  patchingEntry('ioredis', () => require('@spanwise/trace-ioredis'), ['ioredis']),
  patchingEntry('elasticsearch', () => require('@spanwise/trace-elasticsearch'), ['@elastic/elasticsearch', '@elastic/transport'], {
    patched: (adapter) => [...((adapter as { instrumentation?: { patchedVersions?: Set<string> } })?.instrumentation?.patchedVersions ?? [])],
    esm: {
      // @elastic/transport 9 ships an ESM copy (esm/) that `import` resolves to: its classes are patched directly.
      module: '@elastic/transport',
      patch: (adapter, namespace) => adapter.patchTransportClass?.(namespace.Transport, namespace.Diagnostic),
      unpatch: (adapter, namespace) => adapter.unpatchTransportClass?.(namespace.Transport, namespace.Diagnostic),
    },
  }),
  patchingEntry('pino', () => require('@spanwise/trace-pino'), ['pino']),
  patchingEntry('winston', () => require('@spanwise/trace-winston'), ['winston']),
  patchingEntry('bunyan', () => require('@spanwise/trace-bunyan'), ['bunyan']),
];
