'use strict';
/**
 * The express-service app, built on any Express (4 or 5) so tests can run the same routes on both majors
 * with different tracing options. `index.js` starts it from the environment.
 */
const http = require('http');
const path = require('path');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const randomMs = (max) => Math.floor(Math.random() * (max + 1));

/** Express from `dir` (a fixtures/express<major> directory), or the one this package resolves. */
function loadExpress(dir) {
  const main = require.resolve('express', { paths: [dir || __dirname] });
  const express = require(main);
  const { version } = require(path.join(path.dirname(main), 'package.json'));
  return { express, version, major: Number(version.split('.')[0]) };
}

/** Whether Express bundles express.json() (4.16+; before, reading `express.json` throws "no longer bundled"). */
function bundledJson(express) {
  return typeof Object.getOwnPropertyDescriptor(express, 'json')?.value === 'function';
}

/** express.json() for Express before 4.16. */
function readJson(req, res, next) {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (text += chunk));
  req.on('end', () => {
    try {
      req.body = text ? JSON.parse(text) : {};
      next();
    } catch (error) {
      next(error);
    }
  });
}

/**
 * @param {object} setup
 * @param {Function} setup.express the express module
 * @param {number} setup.major 4 or 5
 * @param {Function} [setup.traceMiddleware] mounted first when given
 * @param {Function} [setup.getSpan] trace-express's getSpan, for /tagged
 * @param {object} [setup.traceOptions] its options
 * @param {string} [setup.downstreamUrl] base URL for /fanout
 * @param {number} [setup.slowMs] how long /slow takes (default 50 ms)
 */
function buildApp({ express, major, traceMiddleware, getSpan, traceOptions, downstreamUrl, slowMs = 50 }) {
  const tracing = traceMiddleware ? require('@spanwise/trace-core') : undefined;
  const { globalTracer } = require('opentracing');
  // Express 4 ignores promises: forward rejections to next. Express 5 does it itself (and is tested doing so).
  const asyncRoute = (fn) => (major >= 5 ? fn : (req, res, next) => fn(req, res, next).catch(next));

  const app = express();
  if (traceMiddleware) app.use(traceMiddleware(traceOptions));

  app.get('/health', (req, res) => res.send('ok'));
  app.get('/users/:id', (req, res) => res.json({ id: req.params.id, name: `user-${req.params.id}` }));

  const orgs = express.Router({ mergeParams: true });
  orgs.get('/users/:id', (req, res) => res.json({ orgId: req.params.orgId, id: req.params.id }));
  const projects = express.Router({ mergeParams: true });
  projects.get('/tasks/:taskId', (req, res) => res.json({ orgId: req.params.orgId, projectId: req.params.projectId, taskId: req.params.taskId }));
  orgs.use('/projects/:projectId', projects);
  app.use('/api/orgs/:orgId', orgs);

  const v2 = express();
  v2.get('/users/:id', (req, res) => res.json({ v: 2, id: req.params.id }));
  v2.get('/', (req, res) => res.json({ v: 2 }));
  app.use('/v2', v2);

  app
    .route('/items/:itemId')
    .get((req, res) => res.json({ item: req.params.itemId }))
    .put((req, res) => res.json({ updated: req.params.itemId }));

  const library = express.Router();
  library.route('/books/:bookId').get((req, res) => res.json({ book: req.params.bookId }));
  app.use('/library', library);

  app.get(['/alpha/:a', '/beta/:b'], (req, res) => res.json({ list: true }));
  app.get(/^\/regex\/(\d+)$/, (req, res) => res.json({ regex: req.params[0] }));
  app.get('/tagged', (req, res) => {
    const span = getSpan ? getSpan(req) : undefined;
    if (span) span.setTag('handler.tagged', true);
    res.json({ tagged: span !== undefined });
  });
  // Passes on without answering: the request ends unmatched (404).
  app.get('/maybe/:x', (req, res, next) => next());
  // Answers, then passes on to an after-middleware (logging style).
  app.get('/after/:x', (req, res, next) => {
    res.json({ after: req.params.x });
    next();
  });
  app.use('/after', (req, res, next) => {
    if (!res.headersSent) next();
  });

  app.get('/error', () => {
    throw new Error('boom');
  });
  app.get(
    '/async-error',
    asyncRoute(async () => {
      await sleep(1);
      throw new TypeError('async boom');
    }),
  );
  app.get('/next-error', (req, res, next) => next(new RangeError('next boom')));
  app.get('/status500', (req, res) => res.status(500).json({ failed: true }));
  app.get('/client-error', (req, res, next) => next(Object.assign(new Error('no such user'), { status: 404 })));
  app.get('/slow', (req, res) => setTimeout(() => res.json({ slow: true }), slowMs));

  app.get(
    '/work',
    asyncRoute(async (req, res) => {
      await sleep(randomMs(20));
      const span = globalTracer().startSpan('work', { childOf: tracing ? tracing.getActiveSpan() : undefined });
      span.setTag('request.n', String(req.query.n));
      await sleep(randomMs(5));
      span.finish();
      res.json({ n: req.query.n });
    }),
  );

  // The shared server conformance suite's route: a `work` span under the request's, tagged with n.
  app.get(
    '/work/:n',
    asyncRoute(async (req, res) => {
      await sleep(randomMs(20));
      const parent = tracing ? tracing.getActiveSpan() : undefined;
      const span = globalTracer().startSpan('work', { childOf: parent });
      span.setTag('work.n', req.params.n);
      await sleep(randomMs(5));
      span.finish();
      res.json({ n: req.params.n, active: parent !== undefined });
    }),
  );

  app.post('/echo', bundledJson(express) ? express.json() : readJson, (req, res) => {
    const span = globalTracer().startSpan('parsed', { childOf: tracing ? tracing.getActiveSpan() : undefined });
    span.finish();
    res.json(req.body);
  });

  // Reads the body from the request stream itself: its events come from the socket, outside the request's turn.
  app.post('/upload', (req, res) => {
    let size = 0;
    req.on('data', (chunk) => (size += chunk.length));
    req.on('end', () => {
      const span = globalTracer().startSpan('uploaded', { childOf: tracing ? tracing.getActiveSpan() : undefined });
      span.finish();
      res.json({ size });
    });
  });

  app.get(
    '/fanout',
    asyncRoute(async (req, res) => {
      await sleep(randomMs(20));
      if (!downstreamUrl) return res.json({ downstream: null });
      const body = await get(`${downstreamUrl}/users/${randomMs(1000)}`);
      res.type('json').send(body);
    }),
  );

  app.use((err, req, res, next) => {
    if (res.headersSent) return next(err);
    res.status(err.status >= 400 && err.status < 500 ? err.status : 500).json({ error: err.message, kind: err.name });
  });
  // After the error handler: its error reaches Express's final handler.
  app.get('/final-error', () => {
    throw Object.assign(new Error('to the final handler'), { status: 503 });
  });
  return app;
}

function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

module.exports = { buildApp, loadExpress };
