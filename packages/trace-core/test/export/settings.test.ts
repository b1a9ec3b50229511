import { ConfigurationError } from '../../src/config';
import { resolveConfig } from '../../src/config';
import { createOtlpReporter, createReporter, REPORTER_LIMITS } from '../../src/export';

/** Each numeric reporter setting, a value just outside its limits, and core's name for it when it has an env var. */
const outside: Array<[keyof typeof REPORTER_LIMITS & string, number]> = [
  ['flushIntervalMs', 0],
  ['flushIntervalMs', 2 ** 31],
  ['maxQueueSpans', 0],
  ['maxQueueSpans', 2.5],
  ['maxQueueBytes', 1023],
  ['maxRetries', 101],
  ['retryBackoffMs', -1],
  ['closeTimeoutMs', -1],
  ['logIntervalMs', 1.5],
  ['maxValueLength', 15],
  ['maxStackLength', 63],
];

describe('reporter settings: one set of limits for the Thrift and the OTLP exporter and for init()', () => {
  it.each(outside)('%s = %p fails with a ConfigurationError naming it, wherever it is given', (key, value) => {
    const setting = { [key]: value };
    expect(() => createReporter(setting)).toThrow(ConfigurationError);
    expect(() => createReporter(setting)).toThrow(new RegExp(`configuration: ${key} must be`));
    expect(() => createOtlpReporter(setting)).toThrow(new RegExp(`configuration: ${key} must be`));
    expect(() => resolveConfig({ reporter: setting }, {})).toThrow(new RegExp(`reporter.${key}\\)? must be`));
  });

  it('values at the limits are accepted by both exporters', async () => {
    const atLimits = { maxQueueSpans: 1, maxQueueBytes: 1024, maxRetries: 100, retryBackoffMs: 0, closeTimeoutMs: 0, logIntervalMs: 0, maxValueLength: 16, maxStackLength: 64, flushOnExit: false };
    await createReporter(atLimits).close();
    await createOtlpReporter(atLimits).close();
    expect(resolveConfig({ reporter: { maxQueueBytes: 1024, maxRetries: 100 } }, {}).reporter).toMatchObject({ maxQueueBytes: 1024, maxRetries: 100 });
  });

  it('init() fails at startup for a bad queue setting that only the reporter checked before (not at the first span)', () => {
    expect(() => resolveConfig({ reporter: { maxQueueBytes: 12 } }, {})).toThrow(/reporter.maxQueueBytes must be an integer of at least 1024/);
    expect(() => resolveConfig({ reporter: { maxRetries: -1 } }, {})).toThrow(/reporter.maxRetries must be an integer between 0 and 100/);
    expect(() => resolveConfig({}, { SPANWISE_MAX_QUEUE_SPANS: '0.5' })).toThrow(/SPANWISE_MAX_QUEUE_SPANS \(reporter.maxQueueSpans\) must be an integer/);
  });

  it('the message size limit follows the transport: UDP 65507, HTTP (Jaeger collector, OTLP) 1 GiB', async () => {
    expect(() => resolveConfig({ reporter: { maxPacketSize: 65508 } }, {})).toThrow(/reporter.maxPacketSize\) must be an integer between 512 and 65507/);
    expect(resolveConfig({ reporter: { endpoint: 'http://collector:14268/api/traces', maxPacketSize: 4 << 20 } }, {}).reporter.maxPacketSize).toBe(4 << 20);
    await createOtlpReporter({ maxPacketSize: 4 << 20, flushOnExit: false }).close();
    expect(() => createOtlpReporter({ maxPacketSize: 2 ** 30 + 1 })).toThrow(/maxPacketSize must be an integer between 512 and 1073741824/);
  });

  it('OTLP options are ConfigurationErrors too', () => {
    expect(() => createOtlpReporter({ endpoint: 'ftp://x' })).toThrow(ConfigurationError);
    expect(() => createOtlpReporter({ protocol: 'grpc' as never })).toThrow(/protocol must be http\/protobuf or http\/json/);
    expect(() => createOtlpReporter({ logger: {} as never })).toThrow(/logger must be an object with info\(\), warn\(\) and error\(\)/);
  });
});
