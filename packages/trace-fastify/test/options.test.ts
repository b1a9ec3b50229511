import { traceMiddleware } from '@spanwise/trace-fastify';
import { describeEntryPointChecks } from '../../../test-support/entry-point-options';

describeEntryPointChecks('@spanwise/trace-fastify traceMiddleware()', (options) => traceMiddleware(options), {
  valid: { ignore: '/health', operationName: () => 'x', hookSpans: true },
  misspelt: { headerAsTags: ['x-tenant'] },
  suggestion: 'headersAsTags',
});
