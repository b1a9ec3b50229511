import { patch, unpatch } from '@spanwise/trace-pino';
import { describeEntryPointChecks } from '../../../test-support/entry-point-options';

describeEntryPointChecks(
  '@spanwise/trace-pino patch()',
  (options) => patch(options),
  { valid: { fields: { traceId: 'trace.id', spanId: 'span.id', traceFlags: 'trace.flags' } }, misspelt: { feilds: {} }, suggestion: 'fields' },
  unpatch,
);

describe('@spanwise/trace-pino patch() fields', () => {
  afterEach(unpatch);
  it('rejects an unknown field name, suggesting the one meant', () => {
    expect(() => patch({ fields: { traceID: 'x' } as never })).toThrow('@spanwise/trace-pino patch() fields option "traceID" must be one of traceId, spanId, traceFlags (did you mean "traceId"?)');
  });
});
