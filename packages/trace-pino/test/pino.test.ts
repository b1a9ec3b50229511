/** pino log correlation in real processes, on each supported major: see test-support/log-correlation-suite.ts. */
import * as path from 'path';
import { exactVersion, versionFixtures } from '../../../test-support/each-version';
import { logCorrelationSuite } from '../../../test-support/log-correlation-suite';

logCorrelationSuite({
  module: 'pino',
  adapter: '@spanwise/trace-pino',
  script: path.join(__dirname, 'scripts', 'scenario.js'),
  messageKey: 'msg',
  fixtures: versionFixtures('pino').map((f) => [f.title, `fixtures/${f.name}`, exactVersion(f.version)]),
});
