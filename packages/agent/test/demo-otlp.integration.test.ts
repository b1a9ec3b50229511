/* `npm run demo -- --otlp`: the demo services export OTLP/HTTP and the embedded receiver shows the same traces. */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

const ROOT = path.resolve(__dirname, '../../..');
const run = promisify(execFile);

test.each(['--otlp', '--otlp-json'])('the demo with %s: every service exports OTLP and the traces join across services', async (flag) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTEL_|JAEGER_|SPANWISE_)/.test(k)));
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'scripts/demo.js'), flag], { cwd: ROOT, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  expect(stdout).toContain(`Embedded receiver accepting OTLP/HTTP (${flag === '--otlp' ? 'http/protobuf' : 'http/json'})`);
  const summary = /(\d+) spans in (\d+) traces/.exec(stdout);
  expect(summary).not.toBeNull();
  expect(Number(summary![2])).toBeGreaterThanOrEqual(6);
  // Koa -> Fastify -> Express: one trace of five spans across three services
  expect(stdout).toMatch(/5 spans {2}3 services/);
  expect(stdout).not.toMatch(/-> (5\d\d|failed)[^\n]*(fanout|users\/42)/);
}, 240_000);
