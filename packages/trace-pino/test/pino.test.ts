/** pino log correlation in real processes, on each supported major: see test-support/log-correlation-suite.ts. */
import * as path from 'path';
import { logCorrelationSuite } from '../../../test-support/log-correlation-suite';

logCorrelationSuite({
  module: 'pino',
  adapter: '@spanwise/trace-pino',
  script: path.join(__dirname, 'scripts', 'scenario.js'),
  messageKey: 'msg',
  fixtures: [['pino 9', 'fixtures/pino9', /^9\./], ['pino 10', 'fixtures/pino10', /^10\./]],
});
