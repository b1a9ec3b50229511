import { patch, unpatch } from '@spanwise/trace-ioredis';
import { describeEntryPointChecks } from '../../../test-support/entry-point-options';

describeEntryPointChecks(
  '@spanwise/trace-ioredis patch()',
  (options) => patch(options),
  { valid: { statement: 'command', maxStatementLength: 100 }, misspelt: { maxStatementLen: 10 }, suggestion: 'maxStatementLength' },
  unpatch,
);
