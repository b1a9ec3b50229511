import { patch, unpatch } from '@spanwise/trace-winston';
import { describeEntryPointChecks } from '../../../test-support/entry-point-options';

describeEntryPointChecks(
  '@spanwise/trace-winston patch()',
  (options) => patch(options),
  { valid: { fields: { traceId: 'trace.id', spanId: 'span.id', traceFlags: 'trace.flags' } }, misspelt: { feilds: {} }, suggestion: 'fields' },
  unpatch,
);

describe('@spanwise/trace-winston patch() fields', () => {
  afterEach(unpatch);
  it('rejects an unknown field name, suggesting the one meant', () => {
    expect(() => patch({ fields: { traceID: 'x' } as never })).toThrow('@spanwise/trace-winston patch() fields option "traceID" must be one of traceId, spanId, traceFlags (did you mean "traceId"?)');
  });
});
