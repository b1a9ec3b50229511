'use strict';
/** winston 3 (JSON format) or 2 (JSON console transport) writing to stdout, driven by test-support/log-correlation.js. */
const runLogScenario = require('../../../../test-support/log-correlation');

function makeLogger(winston, bindings) {
  if (winston.format) {
    const logger = winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Console({ forceConsole: true })] });
    if (!bindings) return logger;
    if (typeof logger.child === 'function') return logger.child(bindings);
    // winston before 3.2 has no child(): a format adds the app's bindings, as winston 2's rewriter does.
    const addBindings = winston.format((info) => Object.assign(info, bindings));
    return winston.createLogger({ format: winston.format.combine(addBindings(), winston.format.json()), transports: [new winston.transports.Console()] });
  }
  const logger = new winston.Logger({ transports: [new winston.transports.Console({ json: true, stringify: true })] });
  if (bindings) logger.rewriters.push((level, msg, meta) => ({ ...meta, ...bindings }));
  return logger;
}

runLogScenario({
  makeLogger,
  log: (logger, object, message) => (object ? logger.info(message, object) : logger.info(message)),
}).catch((error) => {
  console.error(error);
  process.exit(1);
});
