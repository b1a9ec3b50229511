import { ConfigurationError, resolveConfig } from '../src/config';

describe('OTLP configuration', () => {
  test('OTEL_EXPORTER_OTLP_* variables, traces-only forms first, endpoint gets /v1/traces', () => {
    const c = resolveConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=a%20b,tenant=t1',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=traces',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2500',
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_RESOURCE_ATTRIBUTES: 'service.version=2.0.1,deployment.environment.name=prod',
      },
    );
    expect(c.serviceName).toBe('checkout');
    expect(c.reporter.exporter).toBe('otlp');
    expect(c.reporter.exporterNotice).toBeUndefined();
    expect(c.reporter.otlp).toMatchObject({
      endpoint: 'http://collector:4318/v1/traces',
      headers: { 'x-api-key': 'traces' },
      protocol: 'http/json',
      compression: 'gzip',
      timeoutMs: 2500,
      serviceVersion: '2.0.1',
      resourceAttributes: { 'service.version': '2.0.1', 'deployment.environment.name': 'prod' },
    });
    const t = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom' });
    expect(t.reporter.otlp?.endpoint).toBe('http://b:9999/custom');
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_HEADERS: 'k=v' }).reporter.otlp?.headers).toEqual({ k: 'v' });
  });

  test('code options win over the variables; JAEGER_SERVICE_NAME wins over OTEL_SERVICE_NAME', () => {
    const c = resolveConfig(
      { reporter: { otlp: { endpoint: 'https://vendor.example/v1/traces', protocol: 'http/protobuf', attributeNaming: 'opentracing' } } },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', JAEGER_SERVICE_NAME: 'j', OTEL_SERVICE_NAME: 'o' },
    );
    expect(c.serviceName).toBe('j');
    expect(c.reporter.otlp).toMatchObject({ endpoint: 'https://vendor.example/v1/traces', protocol: 'http/protobuf', attributeNaming: 'opentracing' });
  });

  test('no OTLP endpoint: Jaeger as before (no exporter or otlp settings in the resolved reporter)', () => {
    expect(resolveConfig({}, {}).reporter).toEqual({});
    expect(resolveConfig({}, { JAEGER_ENDPOINT: 'http://j:14268/api/traces' }).reporter).toEqual({ endpoint: 'http://j:14268/api/traces' });
    // SPANWISE_EXPORTER=otlp without an endpoint: the default endpoint (localhost:4318), with the resource attributes
    const otlp = resolveConfig({}, { SPANWISE_EXPORTER: 'otlp', OTEL_RESOURCE_ATTRIBUTES: 'team=core' }).reporter;
    expect(otlp.exporter).toBe('otlp');
    expect(otlp.otlp).toMatchObject({ endpoint: undefined, resourceAttributes: { team: 'core' } });
  });

  test('a Jaeger target and an OTLP endpoint: OTLP is used and the startup notice says so; SPANWISE_EXPORTER=both sends to both', () => {
    const env = { JAEGER_AGENT_HOST: 'jaeger-agent', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    const c = resolveConfig({}, env);
    expect(c.reporter.exporter).toBe('otlp');
    expect(c.reporter.exporterNotice).toMatch(/both a Jaeger target \(jaeger-agent:6832\) and an OTLP endpoint \(http:\/\/collector:4318\/v1\/traces\).*exporting OTLP only.*SPANWISE_EXPORTER=both/);
    const both = resolveConfig({}, { ...env, SPANWISE_EXPORTER: 'both' });
    expect(both.reporter.exporter).toBe('both');
    expect(both.reporter.exporterNotice).toBeUndefined();
  });

  test.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/xml' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'br' }, 'OTEL_EXPORTER_OTLP_COMPRESSION'],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' }, 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, 'OTEL_EXPORTER_OTLP_HEADERS'],
    [{ OTEL_RESOURCE_ATTRIBUTES: 'a=%E0%A4%A' }, 'OTEL_RESOURCE_ATTRIBUTES'],
    [{ SPANWISE_EXPORTER: 'zipkin' }, 'SPANWISE_EXPORTER'],
    [{ SPANWISE_OTLP_ATTRIBUTES: 'legacy' }, 'SPANWISE_OTLP_ATTRIBUTES'],
  ])('bad value %j fails naming %s', (env, name) => {
    let error: unknown;
    try {
      resolveConfig({}, env as Record<string, string>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(name);
  });

  test('header values never appear in a configuration error', () => {
    expect(() => resolveConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cret,broken' })).toThrow(/<hidden>/);
    expect(() => resolveConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cret,broken' })).not.toThrow(/s3cret/);
  });
});
