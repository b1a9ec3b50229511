import { traceMiddleware, unpatch } from '@spanwise/trace-express';
import { describeEntryPointChecks } from '../../../test-support/entry-point-options';

describeEntryPointChecks(
  '@spanwise/trace-express traceMiddleware()',
  (options) => traceMiddleware(options),
  { valid: { ignore: ['/health'], operationName: () => 'x', requestHook: () => undefined, responseHook: () => undefined, headersAsTags: ['x-tenant'] }, misspelt: { ignor: ['/health'] }, suggestion: 'ignore' },
  unpatch,
);
