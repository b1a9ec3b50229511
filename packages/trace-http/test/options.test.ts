import { patch, unpatch } from '@spanwise/trace-http';
import { describeEntryPointChecks } from '../../../test-support/entry-point-options';

describeEntryPointChecks(
  '@spanwise/trace-http patch()',
  (options) => patch(options),
  { valid: { ignore: ['metadata.internal'], requestHook: () => undefined, responseHook: () => undefined }, misspelt: { requesthook: () => undefined }, suggestion: 'requestHook' },
  unpatch,
);
