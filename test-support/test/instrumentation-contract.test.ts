/**
 * The instrumentation contract, for every package: each exports its definition as `instrumentation` (its hooks with
 * their version ranges, its options), gets the same patch/unpatch/isEnabled/patchedVersions, checks its options
 * (a bad value or an unknown key is a ConfigurationError naming it), and follows the one rule for wrappers that outlive
 * `unpatch()`: they call straight through to the original, with no span. The declared ranges are the single source of
 * the package's peerDependencies (docs/versions.md is checked by version-matrix.test.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { EventEmitter } from 'events';
import { ConfigurationError, getTracer, setLogger, setLogLevel, supportedLibraries, withSpan, type TracingInstrumentation } from '@spanwise/trace-core';
import * as bunyan from '@spanwise/trace-bunyan';
import * as elasticsearch from '@spanwise/trace-elasticsearch';
import * as express from '@spanwise/trace-express';
import * as fastify from '@spanwise/trace-fastify';
import * as http from '@spanwise/trace-http';
import * as ioredis from '@spanwise/trace-ioredis';
import * as koa from '@spanwise/trace-koa';
import * as mysql2 from '@spanwise/trace-mysql2';
import * as pino from '@spanwise/trace-pino';
import * as winston from '@spanwise/trace-winston';
import { inMemoryTracer } from '../in-memory-tracer';

 
const subset = require('semver/ranges/subset') as (sub: string, dom: string) => boolean;
 
const validRange = require('semver/ranges/valid') as (range: string) => string | null;

const ROOT = path.join(__dirname, '..', '..');

interface Case {
  dir: string;
  instrumentation: TracingInstrumentation;
  /** A bad option value and the message it must give. */
  bad: [object, string];
}

const CASES: Case[] = [
  { dir: 'trace-http', instrumentation: http.instrumentation, bad: [{ requestHook: 'tag' }, 'option "requestHook" must be a function'] },
  { dir: 'trace-http', instrumentation: http.serverInstrumentation, bad: [{ headersAsTags: 'x-id' }, 'patchServer() option "headersAsTags" must be an array of header names, got "x-id"'] },
  { dir: 'trace-mysql2', instrumentation: mysql2.instrumentation, bad: [{ maxStatementLength: -1 }, 'option "maxStatementLength" must be a positive integer, got -1'] },
  { dir: 'trace-ioredis', instrumentation: ioredis.instrumentation, bad: [{ statement: 'values' }, 'option "statement" must be one of "key", "command" or a function, got "values"'] },
  { dir: 'trace-elasticsearch', instrumentation: elasticsearch.instrumentation, bad: [{ recordDocumentBodies: 'yes' }, 'option "recordDocumentBodies" must be true or false, got "yes"'] },
  { dir: 'trace-express', instrumentation: express.instrumentation, bad: [{ ignore: 42 }, 'option "ignore" must be a path, a RegExp or a function, or an array of them, got 42'] },
  { dir: 'trace-koa', instrumentation: koa.instrumentation, bad: [{ middlewareSpans: 'yes' }, 'option "middlewareSpans" must be true or false, got "yes"'] },
  { dir: 'trace-fastify', instrumentation: fastify.instrumentation, bad: [{ hookSpans: 1 }, 'option "hookSpans" must be true or false, got 1'] },
  { dir: 'trace-pino', instrumentation: pino.instrumentation, bad: [{ fields: { traceId: '' } }, 'option "fields.traceId" must be a non-empty string, got ""'] },
  { dir: 'trace-winston', instrumentation: winston.instrumentation, bad: [{ fields: { spanId: 7 } }, 'option "fields.spanId" must be a non-empty string, got 7'] },
  { dir: 'trace-bunyan', instrumentation: bunyan.instrumentation, bad: [{ fields: { traceFlags: null } }, 'option "fields.traceFlags" must be a non-empty string, got null'] },
];

function packageJson(dir: string): { name: string; peerDependencies?: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as { name: string; peerDependencies?: Record<string, string> };
}

beforeAll(() => {
  inMemoryTracer();
});

describe.each(CASES.map((c) => [`${c.instrumentation.packageName} ${c.instrumentation.name}`, c] as const))('%s', (_name, { dir, instrumentation, bad }) => {
  afterEach(() => instrumentation.unpatch());

  it('is exported as a definition: its package, hooks with valid ranges, option keys', () => {
    expect(instrumentation.packageName).toBe(packageJson(dir).name);
    expect(instrumentation.hooks.length).toBeGreaterThan(0);
    for (const hook of instrumentation.hooks) {
      expect(typeof hook.module).toBe('string');
      expect(validRange(hook.versions)).not.toBeNull();
      expect(typeof hook.patch).toBe('function');
      expect(typeof hook.unpatch).toBe('function');
    }
    expect(instrumentation.optionKeys.length).toBeGreaterThan(0);
  });

  it('patch() and unpatch() are idempotent; isEnabled() follows them', () => {
    expect(instrumentation.isEnabled()).toBe(false);
    instrumentation.patch();
    instrumentation.patch({});
    expect(instrumentation.isEnabled()).toBe(true);
    expect(Array.isArray(instrumentation.patchedVersions())).toBe(true);
    instrumentation.unpatch();
    instrumentation.unpatch();
    expect(instrumentation.isEnabled()).toBe(false);
    expect(instrumentation.patchedVersions()).toEqual([]);
  });

  it('a bad option value is a ConfigurationError naming the option; nothing is patched', () => {
    expect(() => instrumentation.patch(bad[0])).toThrow(ConfigurationError);
    expect(() => instrumentation.patch(bad[0])).toThrow(bad[1]);
    expect(instrumentation.isEnabled()).toBe(false);
  });

  it('an unknown option key is a ConfigurationError with a "did you mean"', () => {
    const [key] = instrumentation.optionKeys;
    const misspelt = `${key.slice(0, -1)}`;
    expect(() => instrumentation.patch({ [misspelt]: true })).toThrow(`option "${misspelt}" must be one of `);
    expect(() => instrumentation.patch({ [misspelt]: true })).toThrow(`(did you mean "${key}"?)`);
  });

  it('its peerDependencies are the libraries and ranges its hooks declare', () => {
    const declared = supportedLibraries(instrumentation);
    const peers = Object.fromEntries(Object.entries(packageJson(dir).peerDependencies ?? {}).filter(([name]) => !name.startsWith('@types/')));
    if (instrumentation.name === 'http-server') return; // the same package as the client: its peers are checked there
    expect(Object.keys(peers).sort()).toEqual(Object.keys(declared).sort());
    for (const [name, range] of Object.entries(declared)) {
      // Both ways: the same versions (semver's subset cannot split one range over two of the other, so write them alike).
      expect({ name, range, peer: peers[name], agrees: subset(range, peers[name]) && subset(peers[name], range) }).toEqual({ name, range, peer: peers[name], agrees: true });
    }
  });
});

describe('a library version outside the declared range', () => {
  it('is left alone, with one warning naming the module, its version and the range', () => {
    const warnings: string[] = [];
    setLogger({ debug: () => undefined, info: () => undefined, warn: (message) => warnings.push(message), error: () => undefined });
    setLogLevel('warn');
    try {
      elasticsearch.instrumentation.patch();
      const Transport = class {
        request(): string {
          return 'original';
        }
      };
      const original = Transport.prototype.request;
      expect(elasticsearch.instrumentation.patchExports({ Transport }, { name: '@elastic/transport', basedir: '', version: '7.17.0' })).toBe(false);
      expect(Transport.prototype.request).toBe(original);
      expect(warnings).toEqual(["@elastic/transport@7.17.0 is outside the versions Spanwise's elasticsearch instrumentation supports (>=8.0.1 <10): it is not traced"]);
      expect(elasticsearch.instrumentation.patchExports({ Transport }, { name: '@elastic/transport', basedir: '', version: '9.1.0' })).toBe(true);
      expect(Transport.prototype.request).not.toBe(original);
    } finally {
      elasticsearch.instrumentation.unpatch();
      setLogger(undefined);
      setLogLevel('silent');
    }
  });
});

/**
 * The rule for wrappers that outlive `unpatch()`, per client package: a library class is patched through the
 * package's own hook (as a copy the require hook patched, but one `unpatch()` does not restore: a reference the app
 * kept). While patched, a call in a trace starts a span; after `unpatch()` the same wrapper calls the original with the
 * same `this` and arguments, returns its result, and starts no span.
 */
describe('wrappers that outlive unpatch() call the original, with no span', () => {
  const info = (name: string, version: string) => ({ name, basedir: '', version });
  let startSpan: jest.SpyInstance;
  beforeEach(() => {
    startSpan = jest.spyOn(getTracer(), 'startSpan');
  });
  afterEach(() => startSpan.mockRestore());

  async function outlivesUnpatch(instrumentation: TracingInstrumentation, call: () => unknown, original: jest.Mock): Promise<void> {
    const parent = getTracer().startSpan('request');
    instrumentation.patch();
    startSpan.mockClear();
    await withSpan(parent, call);
    expect(startSpan).toHaveBeenCalled();
    instrumentation.unpatch();
    startSpan.mockClear();
    original.mockClear();
    await withSpan(parent, call);
    expect(startSpan).not.toHaveBeenCalled();
    expect(original).toHaveBeenCalledTimes(1);
    parent.finish();
  }

  it('@spanwise/trace-http: http.request', async () => {
    const request = jest.fn((_options: object) => Object.assign(new EventEmitter(), { setHeader: () => undefined, getHeader: () => undefined }));
    const httpModule = { request, get: request };
    http.instrumentation.hooks[0].patch(httpModule as never, info('http', process.versions.node));
    const wrapper = httpModule.request;
    const options = { host: 'localhost', port: 9, path: '/x', headers: {} };
    await outlivesUnpatch(http.instrumentation, () => wrapper(options), request);
    expect(request.mock.calls).toEqual([[options]]);
    expect(options.headers).toEqual({});
  });

  it('@spanwise/trace-mysql2: Connection#query', async () => {
    const query = jest.fn(function (this: unknown) {
      return 'command';
    });
    class Connection {
      config = { host: 'db', port: 3306 };
    }
    Object.assign(Connection.prototype, { query, execute: query, prepare: query });
    mysql2.instrumentation.hooks[0].patch(Connection as never, info('mysql2', '3.11.0'));
    const connection = new Connection() as Connection & { query(sql: string, cb: () => void): string };
    const callback = () => undefined;
    await outlivesUnpatch(mysql2.instrumentation, () => expect(connection.query('SELECT 1', callback)).toBe('command'), query);
    expect(query.mock.contexts[0]).toBe(connection);
    expect(query.mock.calls[0]).toEqual(['SELECT 1', callback]);
  });

  it('@spanwise/trace-ioredis: Redis#sendCommand', async () => {
    const sendCommand = jest.fn(() => 'sent');
    const Redis = function () {} as unknown as { prototype: Record<string, unknown> };
    Redis.prototype.sendCommand = sendCommand;
    ioredis.instrumentation.hooks[0].patch(Redis as never, info('ioredis', '5.4.0'));
    const client = Object.create(Redis.prototype) as { sendCommand(command: object): string; options: object };
    client.options = { host: 'cache', port: 6379 };
    const command = () => ({ name: 'get', args: ['user:1'], resolve: () => undefined, reject: () => undefined });
    let last: object | undefined;
    await outlivesUnpatch(ioredis.instrumentation, () => expect(client.sendCommand((last = command()))).toBe('sent'), sendCommand);
    expect(sendCommand.mock.calls[0]).toEqual([last]);
    expect(Object.getOwnPropertySymbols(last)).toEqual([]);
  });

  it('@spanwise/trace-elasticsearch: Transport#request (8/9)', async () => {
    const request = jest.fn(async () => 'result');
    class Transport {}
    Object.assign(Transport.prototype, { request });
    elasticsearch.instrumentation.hooks[0].patch({ Transport } as never, info('@elastic/transport', '9.0.0'));
    const transport = new Transport() as { request(params: object): Promise<string> };
    const params = { method: 'GET', path: '/_search', meta: { name: 'search' } };
    await outlivesUnpatch(elasticsearch.instrumentation, async () => expect(await transport.request(params)).toBe('result'), request);
    expect(request.mock.calls[0]).toEqual([params]);
  });
});

describe("the request entry point shared by trace-http's server side and trace-fastify", () => {
   
  const nodeHttp = require('http') as typeof import('http');
  const emitWrapped = () => (nodeHttp.Server.prototype.emit as { __spanwise?: boolean }).__spanwise === true;

  it('stays installed while either has it patched, and is the original again when neither has', () => {
    const original = nodeHttp.Server.prototype.emit;
    http.serverInstrumentation.patch();
    fastify.instrumentation.patch();
    expect(emitWrapped()).toBe(true);
    http.serverInstrumentation.unpatch();
    expect(emitWrapped()).toBe(true);
    fastify.instrumentation.unpatch();
    expect(nodeHttp.Server.prototype.emit).toBe(original);
    fastify.instrumentation.patch();
    http.serverInstrumentation.patch();
    fastify.instrumentation.unpatch();
    expect(emitWrapped()).toBe(true);
    http.serverInstrumentation.unpatch();
    expect(nodeHttp.Server.prototype.emit).toBe(original);
  });
});
