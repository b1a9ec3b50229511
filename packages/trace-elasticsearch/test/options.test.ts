import { patch, unpatch } from '@spanwise/trace-elasticsearch';
import { describeEntryPointChecks } from '../../../test-support/entry-point-options';

describeEntryPointChecks(
  '@spanwise/trace-elasticsearch patch()',
  (options) => patch(options),
  { valid: { maxStatementLength: 100, recordDocumentBodies: false }, misspelt: { recordDocumentBody: true }, suggestion: 'recordDocumentBodies' },
  unpatch,
);
