'use strict';
// A Koa app with @koa/router that mounts no trace middleware (KOA_FIXTURE: koa2 | koa3).
// OWN_MIDDLEWARE=1 mounts @spanwise/trace-koa's traceMiddleware() itself.
const { fromFixture, listen } = require('./lib');

const fixture = process.env.KOA_FIXTURE || 'koa2';
const Koa = fromFixture('koa', fixture);
const Router = fromFixture('@koa/router', fixture);
const app = new Koa();
if (process.env.OWN_MIDDLEWARE === '1') app.use(require('@spanwise/trace-koa').traceMiddleware());
const router = new Router();
router.get('/users/:id', (ctx) => {
  ctx.body = { id: ctx.params.id };
});
router.get('/fail', () => {
  throw new Error('handler failed');
});
app.use(router.routes());
app.silent = true;
listen(require('http').createServer(app.callback()));
