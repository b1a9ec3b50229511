/** winston log correlation in real processes, on each supported major: see test-support/log-correlation-suite.ts. */
import * as path from 'path';
import { exactVersion, versionFixtures } from '../../../test-support/each-version';
import { logCorrelationSuite } from '../../../test-support/log-correlation-suite';

logCorrelationSuite({
  module: 'winston',
  adapter: '@spanwise/trace-winston',
  script: path.join(__dirname, 'scripts', 'scenario.js'),
  messageKey: 'message',
  fixtures: versionFixtures('winston').map((f) => [f.title, `fixtures/${f.name}`, exactVersion(f.version)]),
});
