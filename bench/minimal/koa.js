'use strict';
// GET /users/:id on Koa 3 with @koa/router, nothing else registered.
const { fromFixture, spanwise, listening, user } = require('./common');

const Koa = fromFixture('koa', 'koa3');
const Router = fromFixture('@koa/router', process.env.KOA_ROUTER_FIXTURE || 'koa-router14');
const app = new Koa();
const trace = spanwise('trace-koa');
if (trace) app.use(trace.traceMiddleware());
const router = new Router();
router.get('/users/:id', (ctx) => {
  ctx.body = user(ctx.params.id);
});
app.use(router.routes());
const server = app.listen(0, '127.0.0.1', () => listening(server));
