'use strict';
// Koa test service. KOA_DIR picks the fixture (koa + @koa/router); TRACING=off runs it untraced.
const path = require('path');
const { traceOptionsFromEnv, sleep, randomDelay, callDownstream, patchHttpClient } = require('../../test-support/app-common');

const tracing = process.env.TRACING !== 'off';
if (tracing) patchHttpClient();
const fixture = process.env.KOA_DIR || path.join(__dirname, '../../fixtures/koa3');
const Koa = require(require.resolve('koa', { paths: [fixture] }));
const routerModule = require(require.resolve('@koa/router', { paths: [fixture] }));
const Router = typeof routerModule === 'function' ? routerModule : routerModule.Router; // 15.0 exported only { Router, default }

const app = new Koa();
app.silent = true; // errors are the point of some routes: keep the output clean
if (tracing) {
  const { traceMiddleware } = require('@spanwise/trace-koa');
  app.use(traceMiddleware({ ...traceOptionsFromEnv(), middlewareSpans: process.env.MIDDLEWARE_SPANS === '1' }));
}

app.use(async function requestTimer(ctx, next) {
  await next();
  ctx.set('x-app', 'koa');
});

const router = new Router();
router.get('/users/:id', (ctx) => {
  ctx.body = { id: ctx.params.id, name: 'Ada' };
});
router.get('/health', (ctx) => {
  ctx.body = 'ok';
});
router.get('/fanout', async (ctx) => {
  await randomDelay();
  const downstream = await callDownstream(process.env.DOWNSTREAM_PATH || '/users/42');
  ctx.body = { service: 'koa', downstream: downstream.status, body: downstream.body };
});
router.get('/work/:n', async (ctx) => {
  await randomDelay();
  const { getActiveSpan } = require('@spanwise/trace-core');
  const opentracing = require('opentracing');
  const parent = getActiveSpan();
  const span = opentracing.globalTracer().startSpan('work', { childOf: parent });
  span.setTag('work.n', ctx.params.n);
  await randomDelay();
  span.finish();
  const { getSpan } = require('@spanwise/trace-koa');
  ctx.body = { n: ctx.params.n, active: parent !== undefined, stateSpan: ctx.state.span !== undefined && getSpan(ctx) === ctx.state.span };
});
// What the app sees of ctx.state: its keys and JSON must be the same traced or not.
router.get('/state', (ctx) => {
  ctx.state.user = 'ada';
  ctx.body = { keys: Object.keys(ctx.state), json: JSON.stringify(ctx.state), hasSpan: ctx.state.span !== undefined };
});
// The app's own ctx.state.span: an ordinary enumerable property, as without tracing.
router.get('/own-state-span', (ctx) => {
  ctx.state.span = 'mine';
  ctx.body = { keys: Object.keys(ctx.state), json: JSON.stringify(ctx.state) };
});
// Reads the body from the request's own events, then works: the span must still be active after them.
router.post('/echo/:n', async (ctx) => {
  const chunks = [];
  await new Promise((resolve, reject) => {
    ctx.req.on('data', (chunk) => chunks.push(chunk));
    ctx.req.on('end', resolve);
    ctx.req.on('error', reject);
  });
  const { getActiveSpan } = require('@spanwise/trace-core');
  const opentracing = require('opentracing');
  const span = opentracing.globalTracer().startSpan('work', { childOf: getActiveSpan() });
  span.finish();
  ctx.body = { active: getActiveSpan() !== undefined, echo: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
});
router.get('/error', () => {
  throw new Error('sync boom');
});
router.get('/async-error', async () => {
  await sleep(5);
  throw new Error('async boom');
});
router.get('/ctx-throw', (ctx) => {
  ctx.throw(500, 'ctx boom');
});
router.get('/client-error', (ctx) => {
  ctx.throw(400, 'bad input');
});
router.get('/status500', (ctx) => {
  ctx.status = 500;
  ctx.body = { failed: true };
});
router.get('/slow', async (ctx) => {
  await sleep(Number(process.env.SLOW_MS || 2000));
  ctx.body = 'slow';
});

// Nested routers with prefixes: /api/v1/items/:item, and a route handler that calls next() into a router middleware.
const api = new Router({ prefix: '/api' });
const v1 = new Router();
v1.use(async function v1Auth(ctx, next) {
  await next();
});
v1.get('/items/:item', (ctx) => {
  ctx.body = { item: ctx.params.item };
});
api.use('/v1', v1.routes());
api.get('/chain/:id', async (ctx, next) => {
  ctx.body = { chain: ctx.params.id };
  await next();
});
api.use(async function apiAfter(ctx, next) {
  await next();
});
router.use(api.routes());

app.use(router.routes());
app.use(router.allowedMethods());

const server = app.listen(Number(process.env.PORT || 0), () => {
  console.log(`LISTENING ${server.address().port}`);
});
