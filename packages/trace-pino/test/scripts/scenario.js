'use strict';
/** pino writing JSON lines to stdout (synchronously), driven by test-support/log-correlation.js. */
const runLogScenario = require('../../../../test-support/log-correlation');

runLogScenario({
  makeLogger: (pino, bindings) => {
    const logger = pino({ base: undefined, timestamp: false }, pino.destination({ dest: 1, sync: true }));
    return bindings ? logger.child(bindings) : logger;
  },
  log: (logger, object, message) => (object ? logger.info(object, message) : logger.info(message)),
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
