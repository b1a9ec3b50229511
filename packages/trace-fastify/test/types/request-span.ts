// Compiled by types.test.ts with tsc --strict against the built .d.ts: documented access must type-check.
import Fastify from 'fastify';
import type { Span } from 'opentracing';
import { traceMiddleware } from '@spanwise/trace-fastify';

const fastify = Fastify();
void fastify.register(traceMiddleware());
fastify.get('/users/:id', async (request) => {
  request.span?.setTag('user.id', 7);
  const span: Span | null = request.span;
  // @ts-expect-error request.span is typed (not any): it is no number
  const notANumber: number = request.span;
  return { span: span !== null, notANumber };
});
