import { patch, unpatch } from '@spanwise/trace-bunyan';
import { describeEntryPointChecks } from '../../../test-support/entry-point-options';

describeEntryPointChecks(
  '@spanwise/trace-bunyan patch()',
  (options) => patch(options),
  { valid: { fields: { traceId: 'trace.id', spanId: 'span.id', traceFlags: 'trace.flags' } }, misspelt: { feilds: {} }, suggestion: 'fields' },
  unpatch,
);

describe('@spanwise/trace-bunyan patch() fields', () => {
  afterEach(unpatch);
  it('rejects an unknown field name, suggesting the one meant', () => {
    expect(() => patch({ fields: { traceID: 'x' } as never })).toThrow('@spanwise/trace-bunyan patch() fields option "traceID" must be one of traceId, spanId, traceFlags (did you mean "traceId"?)');
  });
});
