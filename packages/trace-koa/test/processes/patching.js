'use strict';
// Which middlewares Koa's patched use() wraps, and that unpatch()/patch() restore and re-apply it. Prints JSON.
const Koa = require(require.resolve('koa', { paths: [process.env.KOA_DIR] }));
const originalUse = Koa.prototype.use;
const { traceMiddleware, patch, unpatch } = require('@spanwise/trace-koa');

const named = (name) => ({ [name]: async (ctx, next) => next() })[name];
const result = {};
const app = new Koa();
const before = named('before');
app.use(before);
app.use(traceMiddleware({ middlewareSpans: true }));
traceMiddleware({ middlewareSpans: true }); // patch() again: idempotent
const after = named('after');
app.use(after);
result.beforeUnwrapped = app.middleware[0] === before;
result.afterWrapped = app.middleware[2] !== after;
result.wrappedKeepsShape = app.middleware[2].name === 'after' && app.middleware[2].length === 2;
result.useReturnsApp = app.use(named('chained')) === app;

const plain = new Koa();
plain.use(traceMiddleware());
const other = named('other');
plain.use(other);
result.otherAppUnwrapped = plain.middleware[1] === other;

unpatch();
unpatch(); // idempotent
result.useRestored = Koa.prototype.use === originalUse;
const late = named('late');
app.use(late);
result.afterUnpatchUnwrapped = app.middleware[app.middleware.length - 1] === late;

patch();
const again = named('again');
app.use(again);
result.repatchedWrapped = app.middleware[app.middleware.length - 1] !== again;

let thrown;
try {
  app.use('not a function');
} catch (error) {
  thrown = error;
}
result.badArgumentStillRefused = thrown instanceof TypeError;
console.log(JSON.stringify(result));
