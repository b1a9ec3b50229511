'use strict';
// The same small app on every supported framework (CONFORMANCE_FRAMEWORK: http, express4, express5, koa2, koa3,
// fastify4, fastify5), run with and without the register by the conformance suite, which compares what clients and
// the app itself observe. Every framework answers the same routes:
//   /hello           text and a header the app sets
//   /json/:id        JSON with a route parameter
//   /fail            a handler that throws (the framework's own error response)
//   /nope            no such route (the framework's 404)
//   /introspect      what the app sees of its framework's objects: Object.keys, own symbols and JSON of req,
//                    res, ctx, ctx.state, request, reply; Fastify's printPlugins() and printRoutes({ includeHooks: true }),
//                    and the app's own `span` request decorator
//   /fake-timers     installs @sinonjs/fake-timers, makes a span by hand, waits, uninstalls, answers
const http = require('http');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const framework = process.env.CONFORMANCE_FRAMEWORK || 'http';

function fromFixture(name, fixture) {
  return require(require.resolve(name, { paths: [path.join(ROOT, 'fixtures', fixture)] }));
}

const keysOf = (value) => Object.keys(value).sort();
/** Own symbol properties, enumerable or not (util.inspect and assert.deepStrictEqual show the enumerable ones). */
const symbolsOf = (value) => Object.getOwnPropertySymbols(value).map(String).sort();

/**
 * A fake-timer episode as an app's test would run one: timers faked for a while (across the tracer's own flush
 * interval, which runs on real time), a span made meanwhile (a no-op span untraced), then restored. Whatever was
 * scheduled through the faked globals meanwhile never runs.
 */
async function fakeTimerEpisode() {
  const FakeTimers = require('@sinonjs/fake-timers');
  const realSetTimeout = setTimeout;
  const clock = FakeTimers.install();
  try {
    const span = require('opentracing').globalTracer().startSpan('during fake timers');
    span.finish();
    clock.tick(5000);
    await new Promise((resolve) => realSetTimeout(resolve, 300));
  } finally {
    clock.uninstall();
  }
  return 'timers restored';
}

function listening(server) {
  console.log(`LISTENING ${server.address().port}`);
}

function plainHttp() {
  const server = http.createServer((req, res) => {
    const url = req.url.split('?')[0];
    if (url === '/hello') {
      res.setHeader('x-app', 'conformance');
      return res.end('hello');
    }
    if (url.startsWith('/json/')) {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ id: url.slice(6) }));
    }
    if (url === '/fail') {
      res.statusCode = 500;
      return res.end('failed');
    }
    if (url === '/introspect') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ req: keysOf(req), res: keysOf(res), reqSymbols: symbolsOf(req), resSymbols: symbolsOf(res) }));
    }
    if (url === '/fake-timers') return void fakeTimerEpisode().then((text) => res.end(text));
    res.statusCode = 404;
    res.end('not found');
  });
  server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => listening(server));
}

function express(fixture) {
  const app = fromFixture('express', fixture)();
  app.get('/hello', (req, res) => res.set('x-app', 'conformance').send('hello'));
  app.get('/json/:id', (req, res) => res.json({ id: req.params.id }));
  app.get('/fail', () => {
    throw new Error('handler failed');
  });
  app.get('/introspect', (req, res) =>
    res.json({ req: keysOf(req), res: keysOf(res), locals: keysOf(res.locals), json: JSON.stringify(res.locals), reqSymbols: symbolsOf(req), resSymbols: symbolsOf(res) }),
  );
  app.get('/fake-timers', (req, res, next) => fakeTimerEpisode().then((text) => res.send(text), next));
  const server = app.listen(Number(process.env.PORT || 0), '127.0.0.1', () => listening(server));
}

function koa(fixture) {
  const Koa = fromFixture('koa', fixture);
  const Router = fromFixture('@koa/router', fixture);
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  router.get('/hello', (ctx) => {
    ctx.set('x-app', 'conformance');
    ctx.body = 'hello';
  });
  router.get('/json/:id', (ctx) => {
    ctx.body = { id: ctx.params.id };
  });
  router.get('/fail', () => {
    throw new Error('handler failed');
  });
  router.get('/introspect', (ctx) => {
    ctx.state.user = 'ada';
    ctx.body = {
      ctx: keysOf(ctx),
      state: keysOf(ctx.state),
      stateJson: JSON.stringify(ctx.state),
      req: keysOf(ctx.req),
      res: keysOf(ctx.res),
      ctxSymbols: symbolsOf(ctx),
      stateSymbols: symbolsOf(ctx.state),
      reqSymbols: symbolsOf(ctx.req),
      resSymbols: symbolsOf(ctx.res),
    };
  });
  router.get('/fake-timers', async (ctx) => {
    ctx.body = await fakeTimerEpisode();
  });
  app.use(router.routes()).use(router.allowedMethods());
  const server = app.listen(Number(process.env.PORT || 0), '127.0.0.1', () => listening(server));
}

async function fastify(fixture) {
  const Fastify = fromFixture('fastify', fixture);
  const app = Fastify();
  // The app owns `request.span`: a second decorator of that name would fail ready() (FST_ERR_DEC_ALREADY_PRESENT).
  app.decorateRequest('span', null);
  app.addHook('onRequest', async (request) => {
    request.span = 'the app span';
  });
  app.register(async function childPlugin(child) {
    child.get('/hello', async (request, reply) => {
      reply.header('x-app', 'conformance');
      return 'hello';
    });
  });
  app.get('/json/:id', async (request) => ({ id: request.params.id }));
  app.get('/fail', async () => {
    throw new Error('handler failed');
  });
  app.get('/introspect', async (request, reply) => ({
    request: keysOf(request),
    reply: keysOf(reply),
    span: request.span,
    plugins: app.printPlugins().replace(/ \d+ ms/g, ''), // load times differ between any two runs
    routes: app.printRoutes({ includeHooks: true }),
    req: keysOf(request.raw),
    res: keysOf(reply.raw),
    requestSymbols: symbolsOf(request),
    replySymbols: symbolsOf(reply),
    reqSymbols: symbolsOf(request.raw),
    resSymbols: symbolsOf(reply.raw),
  }));
  app.get('/fake-timers', async () => fakeTimerEpisode());
  await app.listen({ port: Number(process.env.PORT || 0), host: '127.0.0.1' });
  listening(app.server);
}

const apps = {
  http: plainHttp,
  express4: () => express('express4'),
  express5: () => express('express5'),
  koa2: () => koa('koa2'),
  koa3: () => koa('koa3'),
  fastify4: () => fastify('fastify4'),
  fastify5: () => fastify('fastify5'),
};

Promise.resolve()
  .then(() => apps[framework]())
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
