import { traceMiddleware } from '@spanwise/trace-koa';
import { describeEntryPointChecks } from '../../../test-support/entry-point-options';

describeEntryPointChecks('@spanwise/trace-koa traceMiddleware()', (options) => traceMiddleware(options), {
  valid: { ignore: /^\/health/, headersAsTags: ['x-tenant'], middlewareSpans: true },
  misspelt: { middlewareSpan: true },
  suggestion: 'middlewareSpans',
});
