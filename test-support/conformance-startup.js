'use strict';
// Run with the register preloaded: prints the jaeger-client modules loaded so far (none should be, before a span).
const loaded = Object.keys(require.cache).filter((file) => /[\\/]node_modules[\\/]jaeger-client[\\/]/.test(file));
console.log(`JAEGER_CLIENT_MODULES ${loaded.length}`);
