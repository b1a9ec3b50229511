import { ConfigurationError } from '@spanwise/trace-core';
import { selectInstrumentations, settingsFromEnv, validateOptions } from '../src/config';
import { INSTRUMENTATION_NAMES } from '../src/types';

const ACCEPTED = 'http, express, koa, fastify, mysql2, ioredis, elasticsearch, pino, winston, bunyan';

describe('settingsFromEnv', () => {
  it('reads nothing from an empty environment: everything on', () => {
    expect(settingsFromEnv({})).toEqual({ disabled: false, enabled: undefined, disabledInstrumentations: undefined });
  });

  it('reads comma lists, trimmed and case-insensitive, and SPANWISE_DISABLED', () => {
    const settings = settingsFromEnv({
      SPANWISE_ENABLED_INSTRUMENTATIONS: ' http, Express ,mysql2',
      SPANWISE_DISABLED_INSTRUMENTATIONS: 'ioredis,',
      SPANWISE_DISABLED: 'TRUE',
    });
    expect(settings).toEqual({ disabled: true, enabled: ['http', 'express', 'mysql2'], disabledInstrumentations: ['ioredis'] });
    expect(settingsFromEnv({ SPANWISE_DISABLED: '0' }).disabled).toBe(false);
    expect(settingsFromEnv({ SPANWISE_ENABLED_INSTRUMENTATIONS: '  ' }).enabled).toBeUndefined();
  });

  it.each(['SPANWISE_ENABLED_INSTRUMENTATIONS', 'SPANWISE_DISABLED_INSTRUMENTATIONS'])('an unknown name in %s fails, naming the variable and the accepted names', (variable) => {
    expect(() => settingsFromEnv({ [variable]: 'http,expresss' })).toThrow(ConfigurationError);
    expect(() => settingsFromEnv({ [variable]: 'http,expresss' })).toThrow(`Spanwise configuration: ${variable} must be a comma list of ${ACCEPTED}, got "http,expresss"`);
  });

  it('a value of SPANWISE_DISABLED other than a boolean fails, naming the variable', () => {
    expect(() => settingsFromEnv({ SPANWISE_DISABLED: 'yes' })).toThrow('Spanwise configuration: SPANWISE_DISABLED must be true or false, got "yes"');
  });
});

describe('selectInstrumentations', () => {
  const none = { disabled: false };
  const off = (selection: Map<string, string | undefined>) => [...selection].filter(([, reason]) => reason !== undefined).map(([name]) => name);

  it('enables every library by default', () => {
    const selection = selectInstrumentations({}, none);
    expect([...selection.keys()]).toEqual([...INSTRUMENTATION_NAMES]);
    expect(off(selection)).toEqual([]);
  });

  it('applies the enabled list, then the disabled list, saying why each library is off', () => {
    const selection = selectInstrumentations({}, { disabled: false, enabled: ['http', 'express', 'koa'], disabledInstrumentations: ['koa'] });
    expect(off(selection)).toEqual(['koa', 'fastify', 'mysql2', 'ioredis', 'elasticsearch', 'pino', 'winston', 'bunyan']);
    expect(selection.get('koa')).toBe('listed in SPANWISE_DISABLED_INSTRUMENTATIONS');
    expect(selection.get('mysql2')).toBe('not in SPANWISE_ENABLED_INSTRUMENTATIONS');
  });

  it('a list given in code replaces the same list from the environment; the other list still applies; `false` turns a library off', () => {
    const settings = { disabled: false, enabled: ['http' as const, 'express' as const], disabledInstrumentations: ['express' as const] };
    const selection = selectInstrumentations({ enabled: ['express', 'koa', 'mysql2'], mysql2: false }, settings);
    expect(off(selection)).toEqual(['http', 'express', 'fastify', 'mysql2', 'ioredis', 'elasticsearch', 'pino', 'winston', 'bunyan']);
    expect(selection.get('http')).toBe('not in the "enabled" option');
    expect(selection.get('express')).toBe('listed in SPANWISE_DISABLED_INSTRUMENTATIONS');
    expect(selection.get('mysql2')).toBe('option mysql2: false');
    const replaced = selectInstrumentations({ disabled: ['http'] }, settings);
    expect(off(replaced)).toEqual(['http', 'koa', 'fastify', 'mysql2', 'ioredis', 'elasticsearch', 'pino', 'winston', 'bunyan']);
    expect(replaced.get('http')).toBe('listed in the "disabled" option');
  });
});

describe('validateOptions', () => {
  it('accepts options objects, false, and name lists', () => {
    expect(() => validateOptions({ http: { server: { ignore: '/health' } }, express: false, enabled: ['http'], disabled: [], tracing: {} })).not.toThrow();
  });

  it('rejects an unknown option, naming it and the accepted ones', () => {
    expect(() => validateOptions({ expres: {} } as never)).toThrow('instrument() option "expres" must be one of http, express, koa, fastify, mysql2, ioredis, elasticsearch, pino, winston, bunyan, enabled, disabled, tracing');
  });

  it('rejects a library option that is neither an object nor false', () => {
    expect(() => validateOptions({ express: true } as never)).toThrow('instrument() option "express" must be an options object or false, got true');
  });

  it('rejects unknown names in enabled/disabled', () => {
    expect(() => validateOptions({ enabled: ['http', 'nope'] } as never)).toThrow(`instrument() option "enabled" must be an array of ${ACCEPTED}`);
    expect(() => validateOptions({ disabled: 'http' } as never)).toThrow('instrument() option "disabled" must be an array of');
  });
});

describe('instrument(): option checks of the adapters fail the call', () => {
  afterEach(() => {
    const { uninstrument } = require('../src') as typeof import('../src');
    uninstrument();
  });

  it('a misspelt adapter option is a ConfigurationError from instrument(), not a logged fault', () => {
    const { instrument } = require('../src') as typeof import('../src');
    expect(() => instrument({ express: { ignor: ['/health'] } as never })).toThrow('@spanwise/trace-express patch() option "ignor" must be one of ');
    expect(() => instrument({ http: { client: { ignroe: [] } as never } })).toThrow('(did you mean "ignore"?)');
    expect(() => instrument({ http: { sever: {} } as never })).toThrow('instrument() http option "sever" must be one of client, server (did you mean "server"?)');
    expect(() => instrument({ http: { server: { headersAsTag: [] } as never } })).toThrow('(did you mean "headersAsTags"?)');
  });
});

describe('ignore and header settings from the environment', () => {
  const { settingsFromEnv, withEnvironmentDefaults, globToRegExp } = jest.requireActual('../src/config') as typeof import('../src/config');

  it('globs: * stays within a path segment, ** crosses them; other characters are literal', () => {
    expect(globToRegExp('/internal/*', '/').test('/internal/a')).toBe(true);
    expect(globToRegExp('/internal/*', '/').test('/internal/a/b')).toBe(false);
    expect(globToRegExp('/static/**', '/').test('/static/a/b.css')).toBe(true);
    expect(globToRegExp('/a.b', '/').test('/axb')).toBe(false);
    expect(globToRegExp('http://*.internal/*', '').test('http://consul.internal/v1/health')).toBe(true);
  });

  it('fill the http server and client options where code sets none; code wins', () => {
    const settings = settingsFromEnv({ SPANWISE_IGNORE_INCOMING_PATHS: '/health,/internal/*', SPANWISE_IGNORE_OUTGOING_URLS: 'metadata.internal', SPANWISE_HEADERS_AS_TAGS: 'X-Tenant' });
    const filled = withEnvironmentDefaults({}, settings);
    expect(filled.http).toEqual({ server: { ignore: ['/health', /^\/internal\/[^/]*$/], headersAsTags: ['x-tenant'] }, client: { ignore: ['metadata.internal'] } });
    const fromCode = withEnvironmentDefaults({ http: { server: { ignore: '/ping' } } }, settings);
    expect(fromCode.http).toMatchObject({ server: { ignore: '/ping', headersAsTags: ['x-tenant'] } });
    expect(withEnvironmentDefaults({ http: false }, settings).http).toBe(false);
  });
});
