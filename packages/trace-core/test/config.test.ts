import { ConfigurationError, parseTags, resolveConfig } from '../src/config';

describe('resolveConfig', () => {
  it('samples every trace when no sampler is configured (jaeger-client alone would sample 0.1% remotely)', () => {
    expect(resolveConfig({}, {}).sampler).toEqual({ type: 'const', param: 1 });
  });

  it('reads the standard JAEGER_* variables', () => {
    const config = resolveConfig({}, {
      JAEGER_SERVICE_NAME: 'users',
      JAEGER_AGENT_HOST: 'agent',
      JAEGER_AGENT_PORT: '6999',
      JAEGER_ENDPOINT: 'http://collector:14268/api/traces',
      JAEGER_USER: 'u',
      JAEGER_PASSWORD: 'p',
      JAEGER_SAMPLER_TYPE: 'probabilistic',
      JAEGER_SAMPLER_PARAM: '0.25',
      JAEGER_REPORTER_FLUSH_INTERVAL: '250',
      JAEGER_TAGS: 'region=eu,host=${HOSTNAME_X:fallback}',
      JAEGER_DISABLED: 'true',
    });
    expect(config.serviceName).toBe('users');
    expect(config.reporter).toEqual({ agentHost: 'agent', agentPort: 6999, endpoint: 'http://collector:14268/api/traces', user: 'u', password: 'p', flushIntervalMs: 250 });
    expect(config.sampler).toMatchObject({ type: 'probabilistic', param: 0.25 });
    expect(config.tags).toEqual({ region: 'eu', host: 'fallback' });
    expect(config.disabled).toBe(true);
  });

  it('lets options in code override the environment', () => {
    const config = resolveConfig({ serviceName: 'code', reporter: { agentPort: 7000 }, sampler: { type: 'const', param: 0 } }, { JAEGER_SERVICE_NAME: 'env', JAEGER_AGENT_PORT: '6999', JAEGER_AGENT_HOST: 'h' });
    expect(config.serviceName).toBe('code');
    expect(config.reporter).toMatchObject({ agentHost: 'h', agentPort: 7000 });
    expect(config.sampler).toEqual({ type: 'const', param: 0 });
  });

  it('falls back to the package.json name for the service name', () => {
    expect(resolveConfig({}, {}).serviceName).toMatch(/.+/);
    expect(resolveConfig({}, {}).serviceName).not.toBe('unknown_service:node');
  });

  it.each([
    [{ JAEGER_AGENT_PORT: 'abc' }, /JAEGER_AGENT_PORT must be a number, got "abc"/],
    [{ JAEGER_AGENT_PORT: '70000' }, /JAEGER_AGENT_PORT \(reporter.agentPort\) must be an integer between 1 and 65535/],
    [{ JAEGER_SAMPLER_TYPE: 'sometimes' }, /JAEGER_SAMPLER_TYPE must be one of const, probabilistic, ratelimiting, remote, got "sometimes"/],
    [{ JAEGER_SAMPLER_TYPE: 'probabilistic', JAEGER_SAMPLER_PARAM: '2' }, /JAEGER_SAMPLER_PARAM must be between 0 and 1/],
    [{ JAEGER_ENDPOINT: 'collector:14268' }, /JAEGER_ENDPOINT \(reporter.endpoint\) must be an http\(s\) URL/],
    [{ JAEGER_DISABLED: 'yes' }, /JAEGER_DISABLED must be true or false/],
    [{ JAEGER_REPORTER_FLUSH_INTERVAL: '-5' }, /JAEGER_REPORTER_FLUSH_INTERVAL \(reporter.flushIntervalMs\) must be a positive number/],
    [{ SPANWISE_LOG_LEVEL: 'loud' }, /SPANWISE_LOG_LEVEL must be one of debug, info, warn, error, silent/],
    [{ SPANWISE_PROPAGATION_INJECT: 'jaeger,zipkin' }, /SPANWISE_PROPAGATION_INJECT must be a comma list of jaeger, w3c, b3, b3-single/],
    [{ JAEGER_TAGS: 'novalue' }, /JAEGER_TAGS must be a comma list of key=value/],
    [{ SPANWISE_REPORTER: 'fast' }, /SPANWISE_REPORTER must be one of spanwise, jaeger-client, got "fast"/],
    [{ SPANWISE_MAX_PACKET_SIZE: '100' }, /SPANWISE_MAX_PACKET_SIZE \(reporter.maxPacketSize\) must be an integer between 512 and 65507/],
    [{ JAEGER_USER: 'u' }, /JAEGER_USER\/JAEGER_PASSWORD \(reporter.user\/password\) must be both set for basic auth, or neither, got "user only"/],
    [{ JAEGER_AUTH_TOKEN: 't', JAEGER_USER: 'u', JAEGER_PASSWORD: 'p' }, /JAEGER_AUTH_TOKEN \(reporter.token\) must be unset/],
  ])('fails at startup naming the bad setting: %j', (env, message) => {
    expect(() => resolveConfig({}, env)).toThrow(ConfigurationError);
    expect(() => resolveConfig({}, env)).toThrow(message);
  });

  it('names code options in errors too', () => {
    expect(() => resolveConfig({ sampler: { type: 'const', param: 0.5 } }, {})).toThrow(/sampler.param must be 0 or 1/);
    expect(() => resolveConfig({ propagation: { inject: ['nope' as never] } }, {})).toThrow(/propagation.inject/);
    expect(() => resolveConfig({ flushTimeoutMs: 0 }, {})).toThrow(/flushTimeoutMs must be a positive number/);
  });

  it('parses propagation formats from the environment', () => {
    const config = resolveConfig({}, { SPANWISE_PROPAGATION_INJECT: 'w3c, b3-single', SPANWISE_PROPAGATION_EXTRACT: 'b3' });
    expect(config.inject).toEqual(['w3c', 'b3-single']);
    expect(config.extract).toEqual(['b3']);
  });
});

describe('parseTags', () => {
  it('reads values from the environment with defaults', () => {
    expect(parseTags('a=1, b=${B}, c=${C:dflt}', { B: 'bee' })).toEqual({ a: '1', b: 'bee', c: 'dflt' });
  });
});
