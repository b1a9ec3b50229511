'use strict';
/**
 * The version ranges Spanwise declares for the libraries it instruments: the single input of the version
 * matrix (scripts/version-matrix.js generates fixtures from it, test-support/each-version.ts runs tests per
 * fixture, test-support/test/version-matrix.test.ts checks the committed matrix against it).
 */

/**
 * Every hook of every instrumentation package: `{ package, module, file?, versions }`.
 *
 * TODO(contract): replace this body by reading each package's definition, i.e.
 *   PACKAGES.flatMap((name) => require(name).instrumentation.hooks.map((hook) => ({ package: name, ...hook })))
 * once every package exports `instrumentation.hooks`. Until then the table below copies today's `versions:`
 * of each package's patch definitions (and trace-auto's frameworks.ts).
 */
function declaredRanges() {
  return [
    { package: '@spanwise/trace-mysql2', module: 'mysql2', file: 'lib/connection.js', versions: '>=3.1.0 <4' },
    { package: '@spanwise/trace-ioredis', module: 'ioredis', versions: '>=5.0.0 <7' },
    { package: '@spanwise/trace-elasticsearch', module: '@elastic/transport', versions: '>=8.0.1 <10' },
    { package: '@spanwise/trace-elasticsearch', module: '@elastic/elasticsearch', file: 'lib/Transport.js', versions: '>=7.7.0 <8' },
    { package: '@spanwise/trace-express', module: 'express', file: 'lib/router/index.js', versions: '>=4.6.0 <5' },
    { package: '@spanwise/trace-express', module: 'router', versions: '>=2.0.0 <3' },
    { package: '@spanwise/trace-auto', module: 'express', file: 'lib/application.js', versions: '>=4.6.0 <6' },
    { package: '@spanwise/trace-koa', module: 'koa', versions: '>=2.0.0 <4' },
    { package: '@spanwise/trace-auto', module: 'koa', versions: '>=2.0.0 <4' },
    { package: '@spanwise/trace-fastify', module: 'fastify', versions: '>=4.0.0 <6' },
    { package: '@spanwise/trace-pino', module: 'pino', versions: '>=9.0.0 <11' },
    { package: '@spanwise/trace-winston', module: 'winston', versions: '>=2.0.0 <4' },
    { package: '@spanwise/trace-bunyan', module: 'bunyan', versions: '>=1.0.0 <3' },
  ];
}

/**
 * Libraries a package supports without hooking them (it only reads what they leave on the request), with the
 * range its documentation claims: tested in the matrix like the hooked ones.
 */
const READ_ONLY_LIBRARIES = [{ package: '@spanwise/trace-koa', module: '@koa/router', versions: '>=12.0.0 <16' }];

/** One range per library: the union of its hooks' ranges (and the read-only claims), in declaration order. */
function libraryRanges() {
  const ranges = new Map();
  for (const hook of [...declaredRanges(), ...READ_ONLY_LIBRARIES]) {
    const known = ranges.get(hook.module);
    if (known === undefined) ranges.set(hook.module, hook.versions);
    else if (!known.split(' || ').includes(hook.versions)) ranges.set(hook.module, `${known} || ${hook.versions}`);
  }
  return ranges;
}

module.exports = { declaredRanges, libraryRanges, READ_ONLY_LIBRARIES };
