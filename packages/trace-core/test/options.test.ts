import { checkOptionKeys, ConfigurationError, init, resetForTests } from '../src';

describe('checkOptionKeys', () => {
  const known = ['ignore', 'operationName', 'headersAsTags'];

  it('passes known keys and undefined options', () => {
    expect(() => checkOptionKeys({ ignore: [], headersAsTags: [] }, known, 'f()')).not.toThrow();
    expect(() => checkOptionKeys(undefined, known, 'f()')).not.toThrow();
  });

  it.each([
    ['ignor', 'ignore'],
    ['operationname', 'operationName'],
    ['headerAsTags', 'headersAsTags'],
    ['operation', 'operationName'],
  ])('suggests the closest option for %s', (key, meant) => {
    expect(() => checkOptionKeys({ [key]: 1 }, known, 'f()')).toThrow(`Spanwise configuration: f() option "${key}" must be one of ignore, operationName, headersAsTags (did you mean "${meant}"?), got "${key}"`);
  });

  it('suggests nothing when no option is close', () => {
    expect(() => checkOptionKeys({ zzz: 1 }, known, 'f()')).toThrow('Spanwise configuration: f() option "zzz" must be one of ignore, operationName, headersAsTags, got "zzz"');
  });

  it.each([null, 'x', 3, [['ignore']]])('rejects %p as options', (options) => {
    expect(() => checkOptionKeys(options, known, 'f()')).toThrow(ConfigurationError);
  });
});

describe('init() options', () => {
  afterEach(resetForTests);

  it('rejects unknown keys at the top level and in nested objects, naming the path', () => {
    expect(() => init({ servicename: 'x' } as never)).toThrow('init() option "servicename" must be one of serviceName, ');
    expect(() => init({ sampler: { type: 'const', parm: 1 } } as never)).toThrow('init() sampler option "parm" must be one of type, param, hostPort, refreshIntervalMs (did you mean "param"?)');
    expect(() => init({ reporter: { agentport: 6832 } } as never)).toThrow('(did you mean "agentPort"?)');
    expect(() => init({ propagation: { injects: ['w3c'] } } as never)).toThrow('(did you mean "inject"?)');
    expect(() => init({ redaction: { header: ['x-api-key'] } } as never)).toThrow('(did you mean "headers"?)');
  });

  it('accepts every documented option', () => {
    expect(() =>
      init({ serviceName: 's', disabled: true, sampler: { type: 'const', param: 1 }, reporter: { agentHost: '127.0.0.1', agentPort: 6832 }, propagation: { inject: ['w3c'] }, redaction: { headers: [] }, flushOnExit: false }),
    ).not.toThrow();
  });
});
