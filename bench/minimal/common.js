'use strict';
/**
 * Shared by the minimal apps: which libraries they load (the fixtures of this repository) and how Spanwise is loaded.
 * env: SPANWISE=middleware (the app mounts Spanwise's middleware; absent: untraced, or traced by a preload),
 * SPANWISE_ROOT (the checkout whose packages are loaded; default this one), SPANWISE_NOOP_TRACER=1 (`init()` with
 * opentracing's no-op tracer: only the hooks and the context run). Each app prints `LISTENING <port>`.
 */
const path = require('path');

const REPO = path.resolve(__dirname, '../..');
const SPANWISE_ROOT = path.resolve(process.env.SPANWISE_ROOT || REPO);
const traced = process.env.SPANWISE === 'middleware';

/** A library from a fixtures/<name> directory of this repository. */
function fromFixture(name, fixture) {
  return require(require.resolve(name, { paths: [path.join(REPO, 'fixtures', fixture)] }));
}

/** A Spanwise package (`trace-express`...) of SPANWISE_ROOT, or undefined when the app runs without Spanwise middleware. */
function spanwise(pkg) {
  if (!traced) return undefined;
  if (process.env.SPANWISE_NOOP_TRACER === '1' && !spanwise.initialised) {
    const core = require(path.join(SPANWISE_ROOT, 'packages/trace-core'));
    const { Tracer } = require(require.resolve('opentracing', { paths: [path.join(SPANWISE_ROOT, 'packages/trace-core')] }));
    core.init({ tracer: new Tracer() });
    spanwise.initialised = true;
  }
  return require(path.join(SPANWISE_ROOT, 'packages', pkg));
}

function listening(server) {
  console.log(`LISTENING ${server.address().port}`);
}

const user = (id) => ({ id, name: 'Ada' });

module.exports = { fromFixture, spanwise, listening, user, SPANWISE_ROOT };
