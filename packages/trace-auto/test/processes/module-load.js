'use strict';
// Loads LOAD (a module name; `register` = the register's CommonJS entry) and prints, as JSON lines, how many
// jaeger-client modules are in require.cache: after loading, after calling its entry point, after the first span.
const path = require('path');

const jaegerModules = () => Object.keys(require.cache).filter((file) => file.includes(`${path.sep}jaeger-client${path.sep}`)).length;
const report = (stage) => console.log(`STAGE ${JSON.stringify({ stage, jaeger: jaegerModules() })}`);

const target = process.env.LOAD;
const loaded = target === 'register' ? require('@spanwise/trace-auto/register') : require(target);
report('loaded');
if (typeof loaded.traceMiddleware === 'function') loaded.traceMiddleware();
else if (typeof loaded.patch === 'function') loaded.patch();
report('entry point called');
require('opentracing').globalTracer().startSpan('first').finish();
report('first span');
