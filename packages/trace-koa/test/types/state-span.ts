// Compiled by types.test.ts with tsc --strict against the built .d.ts: documented access must type-check.
import Koa from 'koa';
import type { Span } from 'opentracing';
import { traceMiddleware } from '@spanwise/trace-koa';

const app = new Koa();
app.use(traceMiddleware());
app.use((ctx) => {
  ctx.state.span?.setTag('user.id', 7);
  const span: Span | undefined = ctx.state.span;
  // @ts-expect-error ctx.state.span is typed (not any): it is no number
  const notANumber: number = ctx.state.span;
  ctx.body = { span: span !== undefined, notANumber };
});
