/** bunyan log correlation in real processes, on each supported major: see test-support/log-correlation-suite.ts. */
import * as path from 'path';
import { exactVersion, versionFixtures } from '../../../test-support/each-version';
import { logCorrelationSuite } from '../../../test-support/log-correlation-suite';

logCorrelationSuite({
  module: 'bunyan',
  adapter: '@spanwise/trace-bunyan',
  script: path.join(__dirname, 'scripts', 'scenario.js'),
  messageKey: 'msg',
  fixtures: versionFixtures('bunyan').map((f) => [f.title, `fixtures/${f.name}`, exactVersion(f.version)]),
});
