'use strict';
/**
 * MODE=early: patch() runs before Express is loaded (as auto-instrumentation does); the hooks patch it on load.
 * MODE=unpatch: the app is built traced, then unpatch() runs; prints whether every patched Express method is its
 * original again. MODE=late: routes and mounts are added while unpatched, then patch() runs (route names fall
 * back to the base URL for mounts whose pattern was never seen).
 */
const path = require('path');
const { traceMiddleware, getSpan, patch, unpatch } = require('@spanwise/trace-express');

if (process.env.MODE === 'early') {
  patch();
  const loaded = Object.keys(require.cache).filter((file) => /[\\/]node_modules[\\/](express|router)[\\/]/.test(file));
  console.log(`EXPRESS LOADED BEFORE PATCH: ${loaded.length}`);
}
const { buildApp, loadExpress } = require('../../../../test-apps/express-service/app');

const { express, major } = loadExpress(process.env.EXPRESS_DIR);
const expressDir = path.dirname(require.resolve('express', { paths: [process.env.EXPRESS_DIR] }));
const targets =
  major >= 5
    ? [
        [require(require.resolve('router', { paths: [expressDir] })).prototype, ['use', 'handle']],
        [require(require.resolve('router/lib/layer.js', { paths: [expressDir] })).prototype, ['handleRequest', 'handleError']],
      ]
    : [
        [require(path.join(expressDir, 'lib/router/index.js')), ['use', 'handle']],
        [require(path.join(expressDir, 'lib/router/layer.js')).prototype, ['handle_request', 'handle_error']],
      ];
const snapshot = () => targets.flatMap(([target, names]) => names.map((name) => target[name]));
const originals = snapshot();
const sameAsOriginals = () => snapshot().every((fn, i) => fn === originals[i]);

let app;
if (process.env.MODE === 'early') {
  const patched = snapshot().filter((fn) => fn.__spanwise === true).length;
  console.log(`PATCHED ON LOAD ${patched}/${originals.length}`);
  app = buildApp({ express, major, traceMiddleware, getSpan });
} else if (process.env.MODE === 'unpatch') {
  app = buildApp({ express, major, traceMiddleware, getSpan });
  const patched = snapshot().filter((fn, i) => fn !== originals[i]).length;
  unpatch();
  console.log(`PATCHED ${patched}/${originals.length} RESTORED ${sameAsOriginals()}`);
} else if (process.env.MODE === 'late') {
  const middleware = traceMiddleware();
  unpatch();
  app = buildApp({ express, major, traceMiddleware: () => middleware, getSpan });
  patch();
} else {
  throw new Error('MODE must be early, unpatch or late');
}
const server = app.listen(Number(process.env.PORT || 0), () => console.log(`LISTENING ${server.address().port}`));
