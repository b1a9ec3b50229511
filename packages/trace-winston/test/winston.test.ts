/** winston log correlation in real processes, on each supported major: see test-support/log-correlation-suite.ts. */
import * as path from 'path';
import { logCorrelationSuite } from '../../../test-support/log-correlation-suite';

logCorrelationSuite({
  module: 'winston',
  adapter: '@spanwise/trace-winston',
  script: path.join(__dirname, 'scripts', 'scenario.js'),
  messageKey: 'message',
  fixtures: [['winston 2', 'fixtures/winston2', /^2\./], ['winston 3', 'fixtures/winston3', /^3\./]],
});
