import { patch, unpatch } from '@spanwise/trace-mysql2';
import { describeEntryPointChecks } from '../../../test-support/entry-point-options';

describeEntryPointChecks(
  '@spanwise/trace-mysql2 patch()',
  (options) => patch(options),
  { valid: { statement: 'masked', maxStatementLength: 100, sqlCommenter: true, sqlCommenterOnExecute: false, poolWaitSpans: true }, misspelt: { statment: 'raw' }, suggestion: 'statement' },
  unpatch,
);
