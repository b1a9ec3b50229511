import type { ServerSpanOptions, TracingInstrumentation } from '@spanwise/trace-core';
import type { AutoInstrumentOptions, HttpAutoOptions, InstrumentationName } from './types';

/**
 * Every library auto-instrumentation knows: the package that defines its instrumentation(s) and how `instrument()`'s
 * options reach them. Packages are loaded only for the libraries enabled; one that is not installed is skipped. Each
 * definition declares where it hooks (`hooks`: modules, files, version ranges), so nothing here knows a library's
 * internals. Adding a library is one line.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- literal requires so bundlers see each package, loaded only when enabled */

/** What every instrumentation package exports. */
interface Defines {
  instrumentation: TracingInstrumentation;
}

export interface RegistryEntry {
  name: InstrumentationName;
  /** The package that defines the instrumentation(s). */
  adapter: string;
  /** Loads the package's definitions (a literal require, so bundlers see it). */
  load(): readonly TracingInstrumentation[];
  /** The options of each definition, from this entry's options in `instrument()` (default: the same for each); `false` turns one off. */
  options?(own: object, all: AutoInstrumentOptions): Array<object | false>;
  /** `false`: nothing to do when the ESM app imports its modules (Fastify is traced from its diagnostics channel). */
  esmImports?: false;
}

/** Framework server spans default to the http server options (ignore rules, header tags, hooks), their own win. */
function withServerDefaults(own: object, all: AutoInstrumentOptions): Array<object | false> {
  const server: ServerSpanOptions | undefined = all.http === false ? undefined : all.http?.server || undefined;
  return [{ ...server, ...own }];
}

/** `http: { server, client }`: trace-http's plain server and client instrumentations. */
function serverAndClient(own: object): Array<object | false> {
  const { server, client } = own as HttpAutoOptions;
  return [server ?? {}, client ?? {}];
}

export const REGISTRY: readonly RegistryEntry[] = [
  {
    name: 'http',
    adapter: '@spanwise/trace-http',
    load: () => {
      const http = require('@spanwise/trace-http') as typeof import('@spanwise/trace-http');
      return [http.serverInstrumentation, http.instrumentation];
    },
    options: serverAndClient,
  },
  { name: 'express', adapter: '@spanwise/trace-express', load: () => [(require('@spanwise/trace-express') as Defines).instrumentation], options: withServerDefaults },
  { name: 'koa', adapter: '@spanwise/trace-koa', load: () => [(require('@spanwise/trace-koa') as Defines).instrumentation], options: withServerDefaults },
  { name: 'fastify', adapter: '@spanwise/trace-fastify', load: () => [(require('@spanwise/trace-fastify') as Defines).instrumentation], options: withServerDefaults, esmImports: false },
  { name: 'mysql2', adapter: '@spanwise/trace-mysql2', load: () => [(require('@spanwise/trace-mysql2') as Defines).instrumentation] },
  { name: 'ioredis', adapter: '@spanwise/trace-ioredis', load: () => [(require('@spanwise/trace-ioredis') as Defines).instrumentation] },
  { name: 'elasticsearch', adapter: '@spanwise/trace-elasticsearch', load: () => [(require('@spanwise/trace-elasticsearch') as Defines).instrumentation] },
  { name: 'pino', adapter: '@spanwise/trace-pino', load: () => [(require('@spanwise/trace-pino') as Defines).instrumentation] },
  { name: 'winston', adapter: '@spanwise/trace-winston', load: () => [(require('@spanwise/trace-winston') as Defines).instrumentation] },
  { name: 'bunyan', adapter: '@spanwise/trace-bunyan', load: () => [(require('@spanwise/trace-bunyan') as Defines).instrumentation] },
];
