'use strict';
/**
 * Preloaded (`-r`) into each runnable docs snippet by test-support/test/docs.test.ts. A snippet is run as
 * written; this only makes it testable: servers listen on a free port instead of the one in the snippet, and
 * with DOCS_REQUEST set the first server that listens gets that GET request, then the process flushes its spans
 * and ends (printing `DOCS_STATUS <code>`). Without DOCS_REQUEST the snippet must end by itself.
 */
const http = require('http');

const request = process.env.DOCS_REQUEST;
const listen = http.Server.prototype.listen;
let requested = false;

function onFreePort(args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) return [0, ...args.slice(1)];
  if (args[0] && typeof args[0] === 'object' && 'port' in args[0]) return [{ ...args[0], port: 0 }, ...args.slice(1)];
  return args;
}

http.Server.prototype.listen = function docsListen(...args) {
  if (request && !requested) {
    requested = true;
    this.once('listening', () => {
      const { port } = this.address();
      http.get({ host: '127.0.0.1', port, path: request, agent: false }, (res) => {
        res.resume();
        res.on('end', () => {
          console.log(`DOCS_STATUS ${res.statusCode}`);
          require('@spanwise/trace-core').shutdown().finally(() => process.exit(0));
        });
      }).on('error', (error) => {
        console.error(`DOCS_REQUEST failed: ${error.message}`);
        process.exit(1);
      });
    });
  }
  return listen.apply(this, onFreePort(args));
};
