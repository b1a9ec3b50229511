/** bunyan log correlation in real processes, on each supported major: see test-support/log-correlation-suite.ts. */
import * as path from 'path';
import { logCorrelationSuite } from '../../../test-support/log-correlation-suite';

logCorrelationSuite({
  module: 'bunyan',
  adapter: '@spanwise/trace-bunyan',
  script: path.join(__dirname, 'scripts', 'scenario.js'),
  messageKey: 'msg',
  fixtures: [['bunyan 1', 'fixtures/bunyan1', /^1\./], ['bunyan 2', 'fixtures/bunyan2', /^2\./]],
});
