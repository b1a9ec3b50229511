import { execFileSync } from 'child_process';
import * as path from 'path';

/** What docs/fastify.md shows compiles under --strict, against the published typings (the built .d.ts). */
it('the span access documented for fastify type-checks under --strict, typed as a Span', () => {
  const file = path.join(__dirname, 'types', 'request-span.ts');
  const tsc = require.resolve('typescript/bin/tsc');
  const args = [tsc, '--noEmit', '--strict', '--esModuleInterop', '--skipLibCheck', '--module', 'commonjs', '--moduleResolution', 'node', '--target', 'ES2022', '--types', 'node', file];
  let output = '';
  try {
    execFileSync(process.execPath, args, { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout);
  }
  expect(output).toBe('');
}, 60000);
