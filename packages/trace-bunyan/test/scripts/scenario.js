'use strict';
/** bunyan writing JSON lines to stdout, driven by test-support/log-correlation.js. */
const runLogScenario = require('../../../../test-support/log-correlation');

runLogScenario({
  makeLogger: (bunyan, bindings) => {
    const logger = bunyan.createLogger({ name: 'log-test', stream: process.stdout });
    return bindings ? logger.child(bindings) : logger;
  },
  log: (logger, object, message) => (object ? logger.info(object, message) : logger.info(message)),
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
